/*
 * fuzz_parse.c: any bytes as a DNS reply. Parses them, then walks every
 * accessor over every kept record: names, SOA serials and whole SOAs, TXT,
 * owners, NS and CNAME names, addresses, and the question as sent. The
 * parser must never read out of bounds or loop, whatever the bytes.
 */
#include <stdint.h>
#include <string.h>

#include "dnsprobe/rdata.h"
#include "dnsprobe/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct dp_wire_msg m;
  if (dp_wire_msg_parse(data, size, &m) != DP_OK)
    return 0;
  uint8_t name[DP_DNS_NAME_MAX];
  char text[DP_WIRE_NAME_STRLEN];
  size_t nl = 0;
  if (m.has_question && dp_wire_name_read(data, m.len, m.qname_off, name,
                                          sizeof(name), &nl, NULL) == DP_OK)
    (void)dp_wire_name_tostr(name, nl, text, sizeof(text));
  if (dp_wire_qname(&m, name, sizeof(name), &nl) == DP_OK &&
      (nl > DP_DNS_NAME_MAX ||
       !dp_wire_question_exact(&m, name, nl, m.qtype, m.qclass) !=
           (m.qdcount != 1)))
    __builtin_trap(); /* a question is exactly itself */
  for (unsigned i = 0; i < m.nrr; i++)
  {
    const struct dp_wire_rr *rr = &m.rr[i];
    uint32_t serial;
    char txt[512];
    struct dp_wire_soa soa;
    uint8_t addr[16];
    if (dp_wire_rr_owner(&m, rr, name, sizeof(name), &nl) == DP_OK &&
        !dp_wire_rr_owner_is(&m, rr, name, nl))
      __builtin_trap(); /* the owner read is the owner compared */
    if (dp_wire_rdata_name(&m, rr, name, sizeof(name), &nl) == DP_OK &&
        dp_wire_name_tostr(name, nl, text, sizeof(text)) != DP_OK)
      __builtin_trap(); /* a name read always prints */
    if (dp_wire_rdata_addr(&m, rr, addr, &nl) == DP_OK && nl != 4 && nl != 16)
      __builtin_trap();
    if (dp_wire_soa_read(&m, rr, &soa) == DP_OK &&
        (soa.mname_len > DP_DNS_NAME_MAX || soa.rname_len > DP_DNS_NAME_MAX ||
         dp_wire_soa_serial(&m, rr, &serial) != DP_OK || serial != soa.serial))
      __builtin_trap(); /* the whole SOA agrees with its serial */
    if (dp_wire_name_read(data, m.len, rr->owner_off, name, sizeof(name), &nl,
                          NULL) == DP_OK)
    {
      (void)dp_wire_name_tostr(name, nl, text, sizeof(text));
      (void)dp_wire_rr_owner_is(&m, rr, name, nl);
    }
    (void)dp_wire_soa_serial(&m, rr, &serial);
    (void)dp_wire_txt_tostr(&m, rr, txt, sizeof(txt));
    dp_wire_type_tostr(rr->type, text, sizeof(text));
    dp_wire_class_tostr(rr->rclass, text, sizeof(text));
  }
  for (unsigned i = 0; i < m.opt.nede; i++)
    if ((size_t)m.opt.ede[i].text_off + m.opt.ede[i].text_len > m.len)
      __builtin_trap(); /* an EDE text outside the message is a parser bug */
  return 0;
}
