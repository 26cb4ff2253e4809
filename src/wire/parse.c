/*
 * parse.c: everything that reads wire bytes: the lenient message parser
 * (RFC 1035 4.1), compressed names (RFC 1035 4.1.4), wire names to text
 * (RFC 4343 2.1), the OPT record (RFC 6891 6.1), its NSID (RFC 5001),
 * COOKIE (RFC 7873) and EDE (RFC 8914) options, SOA serials and TXT strings.
 *
 * This file is the security boundary: every reply comes from a possibly
 * hostile server. Invariants:
 * - Packet bytes are read only through struct reader (reader.h), whose
 *   functions check the bound and return a status; nothing else indexes a
 *   packet buffer.
 * - A compression pointer must point strictly before the start of the name
 *   segment it is in (the name's start, or the previous pointer's target), so
 *   the targets strictly decrease and no loop is possible; the number of
 *   jumps and the decompressed length (255) are capped as well.
 * - The parser records the first problem and stops there; the offsets it
 *   stores always lie inside the buffer it was given.
 */
#include <string.h>

#include "dnsprobe/wire.h"
#include "reader.h"

/* More jumps than any real name needs (one per label would be 127). */
#define MAX_POINTERS 128

/* ---- names --------------------------------------------------------------- */

/* Where and why a name could not be read. */
struct name_problem
{
  size_t off;
  const char *what;
};

static dp_status_t name_fail(struct name_problem *np, size_t off,
                             const char *what)
{
  np->off = off;
  np->what = what;
  return DP_EMALFORMED;
}

struct segment
{
  size_t start, end;
};

/* Names a pointer that breaks the strictly-backwards rule. */
static const char *bad_target(const struct segment *seen, size_t nseen,
                              size_t target)
{
  for (size_t i = 0; i < nseen; i++)
  {
    if (target >= seen[i].start && target < seen[i].end)
      return "compression pointer loop";
  }
  return "forward compression pointer";
}

/*
 * Read the possibly compressed name at off of the message behind msg into
 * name[] (uncompressed wire form, at most DP_DNS_NAME_MAX bytes). *next is
 * the offset just past the name's bytes at off. Pointers may reach anywhere
 * before the current segment, header excepted (RFC 1035 4.1.4).
 */
static dp_status_t name_get(const struct reader *msg, size_t off,
                            uint8_t name[DP_DNS_NAME_MAX], size_t *name_len,
                            size_t *next, struct name_problem *np)
{
  struct reader r = {msg->buf, msg->len, 0};
  struct segment seen[MAX_POINTERS];
  size_t nseen = 0;
  size_t seg_start = off;
  size_t out = 0;
  size_t after = 0;

  if (rd_seek(&r, off) != DP_OK)
    return name_fail(np, off, "name starts past end of message");
  for (;;)
  {
    size_t at = r.pos;
    uint8_t b;

    if (rd_u8(&r, &b) != DP_OK)
      return name_fail(np, at, "name runs past end of message");
    if ((b & 0xc0) == 0xc0)
    {
      uint8_t lo;
      if (rd_u8(&r, &lo) != DP_OK)
        return name_fail(np, at, "compression pointer cut by end of message");
      size_t target = (size_t)(b & 0x3f) << 8 | lo;
      if (nseen == 0)
        after = r.pos;
      if (nseen == MAX_POINTERS)
        return name_fail(np, at, "too many compression pointers");
      seen[nseen].start = seg_start;
      seen[nseen].end = r.pos;
      nseen++;
      if (target >= r.len)
        return name_fail(np, at, "compression pointer past end of message");
      if (target >= seg_start)
        return name_fail(np, at, bad_target(seen, nseen, target));
      if (target < DP_DNS_HEADER_LEN)
        return name_fail(np, at, "compression pointer into the header");
      seg_start = target;
      rd_seek(&r, target); /* target < r.len, checked above */
      continue;
    }
    /* 0x40 and 0x80 are the extended label types of RFC 6891 5 (retired). */
    if (b > DP_DNS_LABEL_MAX)
      return name_fail(np, at, "label longer than 63 bytes");
    if (b == 0)
      break;
    if (out + 1 + b + 1 > DP_DNS_NAME_MAX)
      return name_fail(np, at, "name longer than 255 bytes");
    name[out] = b;
    if (rd_copy(&r, name + out + 1, b) != DP_OK)
      return name_fail(np, at, "name runs past end of message");
    out += 1 + (size_t)b;
  }
  name[out++] = 0;
  *name_len = out;
  *next = nseen > 0 ? after : r.pos;
  return DP_OK;
}

dp_status_t dp_wire_name_read(const uint8_t *msg, size_t len, size_t off,
                              uint8_t *out, size_t cap, size_t *outlen,
                              size_t *next)
{
  const struct reader r = {msg, len, 0};
  uint8_t name[DP_DNS_NAME_MAX];
  struct name_problem np;
  size_t name_len, after;

  if (msg == NULL || out == NULL || outlen == NULL)
    return DP_EINVAL;
  dp_status_t st = name_get(&r, off, name, &name_len, &after, &np);
  if (st != DP_OK)
    return st;
  if (cap < name_len)
    return DP_ESPACE;
  memcpy(out, name, name_len);
  *outlen = name_len;
  if (next != NULL)
    *next = after;
  return DP_OK;
}

/* Append s (n bytes) when it fits with the final NUL; else report short. */
static bool put_text(char *out, size_t cap, size_t *pos, const char *s,
                     size_t n)
{
  if (n >= cap - *pos)
    return false;
  memcpy(out + *pos, s, n);
  *pos += n;
  out[*pos] = '\0';
  return true;
}

/*
 * The presentation form of one byte: itself when printable, else \DDD
 * (RFC 4343 2.1), and a backslash before the bytes in special ("." and "\\"
 * in names, '"' and "\\" in character-strings). Returns the length.
 */
static size_t escape_byte(uint8_t b, const char *special, char buf[5])
{
  if (b > 0x20 && b < 0x7f && strchr(special, b) == NULL)
  {
    buf[0] = (char)b;
    return 1;
  }
  if (b > 0x20 && b < 0x7f)
  {
    buf[0] = '\\';
    buf[1] = (char)b;
    return 2;
  }
  buf[0] = '\\';
  buf[1] = (char)('0' + b / 100);
  buf[2] = (char)('0' + b / 10 % 10);
  buf[3] = (char)('0' + b % 10);
  return 4;
}

dp_status_t dp_wire_name_tostr(const uint8_t *wire, size_t len, char *out,
                               size_t cap)
{
  struct reader r = {wire, len, 0};
  size_t pos = 0;
  size_t total = 0;

  if (wire == NULL || out == NULL)
    return DP_EINVAL;
  if (cap == 0)
    return DP_ESPACE;
  out[0] = '\0';
  for (;;)
  {
    uint8_t n;

    if (rd_u8(&r, &n) != DP_OK || n > DP_DNS_LABEL_MAX)
      goto malformed;
    total += 1 + (size_t)n;
    if (total > DP_DNS_NAME_MAX)
      goto malformed;
    if (n == 0)
      break;
    for (uint8_t i = 0; i < n; i++)
    {
      uint8_t b;
      char esc[5];
      if (rd_u8(&r, &b) != DP_OK)
        goto malformed;
      if (!put_text(out, cap, &pos, esc, escape_byte(b, ".\\", esc)))
        goto space;
    }
    if (!put_text(out, cap, &pos, ".", 1))
      goto space;
  }
  if (pos == 0 && !put_text(out, cap, &pos, ".", 1))
    goto space;
  return DP_OK;

malformed:
  out[0] = '\0';
  return DP_EMALFORMED;
space:
  out[0] = '\0';
  return DP_ESPACE;
}

/* ---- the message parser -------------------------------------------------- */

struct parser
{
  struct reader r;
  struct dp_wire_msg *m;
};

/* Record the first problem; the caller stops parsing. Returns false. */
static bool problem(struct dp_wire_msg *m, dp_status_t st, unsigned section,
                    size_t off, const char *what)
{
  if (m->complete)
  {
    m->complete = false;
    m->problem = st;
    m->problem_section = (uint8_t)section;
    m->problem_off = off;
    m->problem_what = what;
  }
  return false;
}

static bool skip_name(struct parser *p, unsigned section, uint8_t *name,
                      size_t *name_len)
{
  uint8_t local[DP_DNS_NAME_MAX];
  size_t local_len, next;
  struct name_problem np;

  if (name == NULL)
  {
    name = local;
    name_len = &local_len;
  }
  if (name_get(&p->r, p->r.pos, name, name_len, &next, &np) != DP_OK)
    return problem(p->m, DP_EMALFORMED, section, np.off, np.what);
  rd_seek(&p->r, next); /* name_get read up to next: it is in bounds */
  return true;
}

static const char *const count_phrases[4] = {
    "question count larger than the data",
    "answer count larger than the data",
    "authority count larger than the data",
    "additional count larger than the data",
};

/* RFC 1035 4.1.2. Only the first entry is kept; all are stepped over. */
static bool parse_question(struct parser *p, bool first)
{
  size_t start = p->r.pos;
  uint16_t qtype, qclass;

  if (rd_left(&p->r) == 0)
    return problem(p->m, DP_EMALFORMED, DP_SECTION_QUESTION, start,
                   count_phrases[DP_SECTION_QUESTION]);
  if (!skip_name(p, DP_SECTION_QUESTION, NULL, NULL))
    return false;
  size_t fixed = p->r.pos;
  if (rd_u16(&p->r, &qtype) != DP_OK || rd_u16(&p->r, &qclass) != DP_OK)
    return problem(p->m, DP_EMALFORMED, DP_SECTION_QUESTION, fixed,
                   "question truncated after its name");
  if (first)
  {
    p->m->has_question = true;
    p->m->qname_off = (uint16_t)start;
    p->m->qtype = qtype;
    p->m->qclass = qclass;
  }
  p->m->section_parsed[DP_SECTION_QUESTION]++;
  return true;
}

/* RFC 8914 2: INFO-CODE (2 bytes), then EXTRA-TEXT (the rest). */
static bool opt_ede(struct dp_wire_opt_info *o, struct reader *data,
                    uint16_t olen)
{
  uint16_t code;

  if (olen < 2 || rd_u16(data, &code) != DP_OK)
    return false;
  if (o->nede < DP_WIRE_EDE_MAX)
  {
    o->ede[o->nede].code = code;
    o->ede[o->nede].text_off = (uint16_t)data->pos;
    o->ede[o->nede].text_len = (uint16_t)(olen - 2);
    o->nede++;
  }
  return true;
}

/*
 * RFC 6891 6.1.2-6.1.4: the fixed fields of the first OPT RR, then its
 * options {OPTION-CODE, OPTION-LENGTH, OPTION-DATA}. rdata covers RDLENGTH.
 */
static bool parse_opt(struct parser *p, const struct dp_wire_rr *rr,
                      size_t owner_len, struct reader rdata)
{
  struct dp_wire_msg *m = p->m;
  struct dp_wire_opt_info *o = &m->opt;

  o->count++;
  if (o->count > 1)
    return problem(m, DP_EMALFORMED, rr->section, rr->owner_off,
                   "more than one OPT record");
  o->present = true;
  o->owner_not_root = owner_len != 1;
  o->udp_size = rr->rclass;
  o->ext_rcode = (uint8_t)(rr->ttl >> 24);
  o->version = (uint8_t)(rr->ttl >> 16);
  o->flags = (uint16_t)rr->ttl;
  o->do_bit = (o->flags & DP_EDNS_FLAG_DO) != 0;
  m->rcode = (uint16_t)(m->hdr_rcode | o->ext_rcode << 4);

  while (rd_left(&rdata) > 0)
  {
    size_t start = rdata.pos;
    uint16_t code, olen;
    struct reader data;

    if (rd_u16(&rdata, &code) != DP_OK || rd_u16(&rdata, &olen) != DP_OK)
    {
      o->malformed = true;
      return problem(m, DP_EMALFORMED, rr->section, start,
                     "EDNS option header cut by RDLENGTH");
    }
    if (o->ncodes < DP_WIRE_OPT_CODES_MAX)
      o->codes[o->ncodes++] = code;
    if (rd_window(&rdata, olen, &data) != DP_OK)
    {
      o->malformed = true;
      return problem(m, DP_EMALFORMED, rr->section, start,
                     "EDNS option longer than RDLENGTH");
    }
    switch (code)
    {
    case DP_EDNS_NSID:
      if (!o->nsid_present)
      {
        o->nsid_present = true;
        o->nsid_off = (uint16_t)data.pos;
        o->nsid_len = olen;
      }
      break;
    case DP_EDNS_COOKIE:
      if (!o->cookie_present)
      {
        o->cookie_present = true;
        o->cookie_off = (uint16_t)data.pos;
        o->cookie_len = olen;
      }
      break;
    case DP_EDNS_EDE:
      if (!opt_ede(o, &data, olen))
      {
        o->malformed = true;
        return problem(m, DP_EMALFORMED, rr->section, start,
                       "EDE option shorter than 2 bytes");
      }
      break;
    default:
      break;
    }
    rd_skip(&rdata, olen); /* fits: checked by rd_window */
  }
  return true;
}

static dp_status_t soa_serial_at(const struct reader *msg, size_t rdata_off,
                                 size_t rdlength, uint32_t *serial);

/* RFC 1035 4.1.3: NAME, TYPE, CLASS, TTL, RDLENGTH, RDATA. */
static bool parse_rr(struct parser *p, unsigned section)
{
  struct dp_wire_msg *m = p->m;
  struct dp_wire_rr rr = {.section = (uint8_t)section};
  uint8_t owner[DP_DNS_NAME_MAX];
  size_t owner_len;
  struct reader rdata;

  if (rd_left(&p->r) == 0)
    return problem(m, DP_EMALFORMED, section, p->r.pos, count_phrases[section]);
  rr.owner_off = (uint16_t)p->r.pos;
  if (!skip_name(p, section, owner, &owner_len))
    return false;
  size_t fixed = p->r.pos;
  if (rd_u16(&p->r, &rr.type) != DP_OK || rd_u16(&p->r, &rr.rclass) != DP_OK ||
      rd_u32(&p->r, &rr.ttl) != DP_OK)
    return problem(m, DP_EMALFORMED, section, fixed,
                   "record truncated in its fixed fields");
  size_t rdlen_off = p->r.pos;
  if (rd_u16(&p->r, &rr.rdlength) != DP_OK)
    return problem(m, DP_EMALFORMED, section, rdlen_off,
                   "record truncated in its fixed fields");
  if (rd_window(&p->r, rr.rdlength, &rdata) != DP_OK)
    return problem(m, DP_EMALFORMED, section, rdlen_off,
                   "RDLENGTH past end of message");
  rr.rdata_off = (uint16_t)p->r.pos;
  rd_skip(&p->r, rr.rdlength); /* fits: checked by rd_window */

  if (m->nrr < DP_WIRE_RR_MAX)
    m->rr[m->nrr++] = rr;
  m->rr_parsed++;
  m->section_parsed[section]++;

  if (section == DP_SECTION_ANSWER)
  {
    /* The last answer record, wherever it falls past rr[]: a transfer's
     * closing SOA ends the last message of the stream (RFC 5936 2.2). */
    m->last_answer_is_soa = rr.type == DP_TYPE_SOA &&
                            soa_serial_at(&p->r, rr.rdata_off, rr.rdlength,
                                          &m->last_answer_soa_serial) == DP_OK;
  }
  if (rr.type == DP_TYPE_SOA && section == DP_SECTION_ANSWER)
  {
    m->answer_soa++;
    if (m->answer_soa == 1 && soa_serial_at(&p->r, rr.rdata_off, rr.rdlength,
                                            &m->soa_serial) == DP_OK)
      m->has_soa_serial = true;
  }
  if (rr.type == DP_TYPE_OPT)
    return parse_opt(p, &rr, owner_len, rdata);
  return true;
}

dp_status_t dp_wire_msg_parse(const uint8_t *buf, size_t len,
                              struct dp_wire_msg *msg)
{
  struct parser p;
  uint16_t counts[4];

  if (buf == NULL || msg == NULL)
    return DP_EINVAL;
  memset(msg, 0, sizeof *msg);
  /* Offsets are 16-bit: nothing past 65535 bytes can belong to a message. */
  if (len > DP_DNS_MAX_UDP)
    len = DP_DNS_MAX_UDP;
  msg->buf = buf;
  msg->len = len;
  msg->complete = true;
  msg->problem = DP_OK;
  p.r = (struct reader){buf, len, 0};
  p.m = msg;

  /* RFC 1035 4.1.1 */
  if (rd_u16(&p.r, &msg->id) != DP_OK || rd_u16(&p.r, &msg->flags) != DP_OK ||
      rd_u16(&p.r, &counts[0]) != DP_OK || rd_u16(&p.r, &counts[1]) != DP_OK ||
      rd_u16(&p.r, &counts[2]) != DP_OK || rd_u16(&p.r, &counts[3]) != DP_OK)
  {
    problem(msg, DP_EMALFORMED, DP_SECTION_QUESTION, 0,
            "header shorter than 12 bytes");
    return DP_EMALFORMED;
  }
  msg->qr = (msg->flags & DP_FLAG_QR) != 0;
  msg->opcode = (uint8_t)(msg->flags >> 11 & 0x0f);
  msg->aa = (msg->flags & DP_FLAG_AA) != 0;
  msg->tc = (msg->flags & DP_FLAG_TC) != 0;
  msg->rd = (msg->flags & DP_FLAG_RD) != 0;
  msg->ra = (msg->flags & DP_FLAG_RA) != 0;
  msg->z = (msg->flags & DP_FLAG_Z) != 0;
  msg->ad = (msg->flags & DP_FLAG_AD) != 0;
  msg->cd = (msg->flags & DP_FLAG_CD) != 0;
  msg->hdr_rcode = (uint8_t)(msg->flags & 0x0f);
  msg->rcode = msg->hdr_rcode;
  msg->qdcount = counts[0];
  msg->ancount = counts[1];
  msg->nscount = counts[2];
  msg->arcount = counts[3];

  for (unsigned i = 0; i < msg->qdcount; i++)
  {
    if (!parse_question(&p, i == 0))
      return DP_OK;
  }
  for (unsigned s = DP_SECTION_ANSWER; s <= DP_SECTION_ADDITIONAL; s++)
  {
    for (unsigned i = 0; i < counts[s]; i++)
    {
      if (!parse_rr(&p, s))
        return DP_OK;
    }
  }
  return DP_OK;
}

/* ---- record data --------------------------------------------------------- */

/* RFC 1035 3.3.13: MNAME, RNAME (either may be compressed), then SERIAL. */
static dp_status_t soa_serial_at(const struct reader *msg, size_t rdata_off,
                                 size_t rdlength, uint32_t *serial)
{
  struct reader r = {msg->buf, msg->len, 0};
  struct reader rdata;
  uint8_t name[DP_DNS_NAME_MAX];
  size_t name_len, next;
  struct name_problem np;

  if (rd_seek(&r, rdata_off) != DP_OK ||
      rd_window(&r, rdlength, &rdata) != DP_OK)
    return DP_EMALFORMED;
  for (int i = 0; i < 2; i++)
  {
    if (name_get(msg, rdata.pos, name, &name_len, &next, &np) != DP_OK ||
        rd_seek(&rdata, next) != DP_OK)
      return DP_EMALFORMED;
  }
  return rd_u32(&rdata, serial);
}

dp_status_t dp_wire_soa_serial(const struct dp_wire_msg *msg,
                               const struct dp_wire_rr *rr, uint32_t *serial)
{
  if (msg == NULL || msg->buf == NULL || rr == NULL || serial == NULL ||
      rr->type != DP_TYPE_SOA)
    return DP_EINVAL;
  const struct reader r = {msg->buf, msg->len, 0};
  return soa_serial_at(&r, rr->rdata_off, rr->rdlength, serial);
}

/* RFC 1035 3.3.14: one or more <character-string>s, each length-prefixed. */
dp_status_t dp_wire_txt_tostr(const struct dp_wire_msg *msg,
                              const struct dp_wire_rr *rr, char *out,
                              size_t cap)
{
  struct reader r, rdata;
  size_t pos = 0;
  bool room = true;

  if (msg == NULL || msg->buf == NULL || rr == NULL || out == NULL ||
      cap == 0 || rr->type != DP_TYPE_TXT)
    return DP_EINVAL;
  out[0] = '\0';
  r = (struct reader){msg->buf, msg->len, 0};
  if (rd_seek(&r, rr->rdata_off) != DP_OK ||
      rd_window(&r, rr->rdlength, &rdata) != DP_OK)
    return DP_EMALFORMED;
  while (rd_left(&rdata) > 0)
  {
    uint8_t n;
    struct reader str;

    if (rd_u8(&rdata, &n) != DP_OK || rd_window(&rdata, n, &str) != DP_OK)
      return DP_EMALFORMED;
    /* Keep reading after the output is full so a bad string still shows. */
    while (room && rd_left(&str) > 0)
    {
      uint8_t b;
      char esc[5];
      if (rd_u8(&str, &b) != DP_OK)
        return DP_EMALFORMED;
      /* a space is plain text inside a character-string (RFC 1035 5.1) */
      size_t elen = b == ' ' ? (esc[0] = ' ', 1u) : escape_byte(b, "\"\\", esc);
      room = put_text(out, cap, &pos, esc, elen);
    }
    rd_skip(&rdata, n); /* fits: checked by rd_window */
  }
  return DP_OK;
}

bool dp_wire_rr_owner_is(const struct dp_wire_msg *msg,
                         const struct dp_wire_rr *rr, const uint8_t *name,
                         size_t name_len)
{
  uint8_t owner[DP_DNS_NAME_MAX];
  size_t owner_len, next;
  struct name_problem np;

  if (msg == NULL || msg->buf == NULL || rr == NULL || name == NULL)
    return false;
  const struct reader r = {msg->buf, msg->len, 0};
  if (name_get(&r, rr->owner_off, owner, &owner_len, &next, &np) != DP_OK)
    return false;
  return dp_wire_name_equal(owner, owner_len, name, name_len);
}

/* The bytes at off..off+len of the message as printable text: 0x20-0x7e
 * but the backslash as they are, every other byte as \DDD; cut, at a whole
 * character, where fewer than six bytes of out are left. */
static dp_status_t opt_text(const struct dp_wire_msg *msg, size_t off,
                            size_t len, char *out, size_t cap)
{
  if (msg == NULL || msg->buf == NULL || out == NULL || cap == 0)
    return DP_EINVAL;
  out[0] = '\0';
  if (off > msg->len || len > msg->len - off)
    return DP_EMALFORMED;
  size_t o = 0;
  for (size_t i = 0; i < len && o + 5 < cap; i++)
  {
    uint8_t c = msg->buf[off + i];
    if (c >= 0x20 && c < 0x7f && c != '\\')
      out[o++] = (char)c;
    else
    {
      out[o++] = '\\';
      out[o++] = (char)('0' + c / 100);
      out[o++] = (char)('0' + c / 10 % 10);
      out[o++] = (char)('0' + c % 10);
    }
  }
  out[o] = '\0';
  return DP_OK;
}

dp_status_t dp_wire_ede_text(const struct dp_wire_msg *msg, unsigned i,
                             char *out, size_t cap)
{
  if (msg == NULL || i >= msg->opt.nede || i >= DP_WIRE_EDE_MAX)
  {
    if (out != NULL && cap > 0)
      out[0] = '\0';
    return DP_EINVAL;
  }
  return opt_text(msg, msg->opt.ede[i].text_off, msg->opt.ede[i].text_len, out,
                  cap);
}

dp_status_t dp_wire_nsid_text(const struct dp_wire_msg *msg, char *out,
                              size_t cap)
{
  if (msg == NULL || !msg->opt.nsid_present)
  {
    if (out != NULL && cap > 0)
      out[0] = '\0';
    return DP_EINVAL;
  }
  return opt_text(msg, msg->opt.nsid_off, msg->opt.nsid_len, out, cap);
}

bool dp_wire_question_is(const struct dp_wire_msg *msg, const uint8_t *name,
                         size_t name_len, uint16_t qtype, uint16_t qclass)
{
  uint8_t got[DP_DNS_NAME_MAX];
  size_t got_len = 0;

  if (msg == NULL || msg->buf == NULL || name == NULL || !msg->has_question ||
      msg->qdcount != 1 || msg->qtype != qtype || msg->qclass != qclass)
    return false;
  if (dp_wire_name_read(msg->buf, msg->len, msg->qname_off, got, sizeof(got),
                        &got_len, NULL) != DP_OK)
    return false;
  return dp_wire_name_equal(got, got_len, name, name_len);
}

dp_status_t dp_wire_qname(const struct dp_wire_msg *msg, uint8_t *out,
                          size_t cap, size_t *len)
{
  if (msg == NULL || msg->buf == NULL || out == NULL || len == NULL)
    return DP_EINVAL;
  *len = 0;
  if (!msg->has_question)
    return DP_EINVAL;
  return dp_wire_name_read(msg->buf, msg->len, msg->qname_off, out, cap, len,
                           NULL);
}

bool dp_wire_question_exact(const struct dp_wire_msg *msg, const uint8_t *name,
                            size_t name_len, uint16_t qtype, uint16_t qclass)
{
  uint8_t got[DP_DNS_NAME_MAX];
  size_t got_len = 0;

  if (msg == NULL || name == NULL || msg->qdcount != 1 ||
      dp_wire_qname(msg, got, sizeof(got), &got_len) != DP_OK)
    return false;
  return msg->qtype == qtype && msg->qclass == qclass && got_len == name_len &&
         memcmp(got, name, name_len) == 0;
}
