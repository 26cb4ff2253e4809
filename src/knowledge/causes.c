/*
 * causes.c: the root causes dnsprobe names, a row per dp_cause_t: the stable
 * key (part of the JSON schema dnsprobe/1), a headline, what the cause is,
 * when it shows, how to fix it, how it differs from the causes it is taken
 * for, and the fixes per server software: its own table, or the fixes of a
 * situation of the catalogue that says the same (situations.c).
 *
 * Snippets use documentation addresses only (RFC 5737, RFC 3849), as the
 * situations do: 192.0.2.0/24 the clients to serve, 192.0.2.1 a primary,
 * 198.51.100.1-2 forwarders, 203.0.113.53 and 2001:db8::53 the server's own
 * addresses, and the zone example.com.
 *
 * Invariants: every cause but NONE has a row with every text; a cause with
 * its own fixes has one for every software but UNKNOWN, in enum order, and
 * the table ends with a row whose snippet is NULL.
 */
#include <string.h>

#include "dnsprobe/knowledge.h"

#define END                                                                    \
  {                                                                            \
    DP_SOFTWARE_UNKNOWN, NULL, NULL                                            \
  }

/* client-dropped: the server drops this client by policy. */
static const struct dp_knowledge_fix fix_client_dropped[] = {
    {DP_SOFTWARE_BIND, "blackhole / allow-query",
     "// blackhole drops every packet from the listed addresses; take this\n"
     "// client out of it, and refuse instead of dropping who is not served\n"
     "options {\n"
     "    blackhole { none; };\n"
     "    allow-query { 192.0.2.0/24; localhost; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "access-control",
     "# 'deny' drops without a reply; allow the client, and 'refuse' the\n"
     "# rest so that they learn at once\n"
     "server:\n"
     "    access-control: 192.0.2.0/24 allow\n"
     "    access-control: 0.0.0.0/0 refuse\n"
     "    access-control: ::0/0 refuse"},
    {DP_SOFTWARE_KNOT, "acl",
     "# Knot drops nothing by address itself: look for mod-rrl limits or a\n"
     "# firewall in front of it\n"
     "mod-rrl:\n"
     "  - id: default\n"
     "    rate-limit: 200\n"
     "    whitelist: 192.0.2.0/24"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD does not drop clients by address; silence with the TCP "
     "connection closed comes from a firewall or a load balancer in front "
     "of it."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server does not drop clients by address; "
     "dnsdist or a firewall in front of it does: check their rules for "
     "this client."},
    {DP_SOFTWARE_PDNS_RECURSOR, "allow-from",
     "# clients outside allow-from get no answer at all, over UDP and TCP\n"
     "allow-from=127.0.0.0/8, ::1/128, 192.0.2.0/24"},
    {DP_SOFTWARE_KNOT_RESOLVER, "view:addr",
     "-- pass this client's network; refuse the rest instead of dropping\n"
     "modules.load('view')\n"
     "view:addr('192.0.2.0/24', policy.all(policy.PASS))\n"
     "view:addr('0.0.0.0/0', policy.all(policy.REFUSE))"},
    {DP_SOFTWARE_DNSMASQ, "local-service",
     "# local-service ignores queries from networks not directly attached;\n"
     "# listen where the clients are instead\n"
     "listen-address=203.0.113.53"},
    {DP_SOFTWARE_COREDNS, "acl",
     "# 'drop' is silent; allow the clients and 'block' (REFUSED) the rest\n"
     ". {\n"
     "    acl {\n"
     "        allow net 192.0.2.0/24\n"
     "        block\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Add-DnsServerQueryResolutionPolicy",
     "Get-DnsServerQueryResolutionPolicy   # an IGNORE action drops clients\n"
     "Remove-DnsServerQueryResolutionPolicy -Name \"policy-name\""},
    END,
};

/* client-refused, query-refused: an access list refuses this client. */
static const struct dp_knowledge_fix fix_client_refused[] = {
    {DP_SOFTWARE_BIND, "allow-query",
     "acl \"clients\" { 192.0.2.0/24; localhost; };\n"
     "options {\n"
     "    allow-query { clients; };   // and any zone's own allow-query\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "access-control",
     "server:\n"
     "    access-control: 192.0.2.0/24 allow"},
    {DP_SOFTWARE_KNOT, "acl",
     "# Knot answers queries from anyone; a REFUSED to every query comes\n"
     "# from something in front of it, or a module such as mod-queryacl\n"
     "mod-queryacl:\n"
     "  - id: default\n"
     "    address: [ 192.0.2.0/24 ]"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD answers queries from anyone; a REFUSED to everything comes from a "
     "proxy or a filter in front of it (dnsdist, a load balancer)."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server has no per-client query list; a REFUSED "
     "to everything comes from dnsdist or a proxy in front of it."},
    {DP_SOFTWARE_PDNS_RECURSOR, "allow-from",
     "allow-from=127.0.0.0/8, ::1/128, 192.0.2.0/24"},
    {DP_SOFTWARE_KNOT_RESOLVER, "view:addr",
     "modules.load('view')\n"
     "view:addr('192.0.2.0/24', policy.all(policy.PASS))"},
    {DP_SOFTWARE_DNSMASQ, "listen-address",
     "# dnsmasq refuses nobody by address; serve the clients' network\n"
     "listen-address=203.0.113.53"},
    {DP_SOFTWARE_COREDNS, "acl",
     ". {\n"
     "    acl {\n"
     "        allow net 192.0.2.0/24\n"
     "        block\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Add-DnsServerQueryResolutionPolicy",
     "Get-DnsServerQueryResolutionPolicy   # a DENY action refuses clients"},
    END,
};

/* udp-blocked: nothing of UDP gets through. */
static const struct dp_knowledge_fix fix_udp_blocked[] = {
    {DP_SOFTWARE_BIND, "listen-on",
     "// named must listen on UDP too; then open UDP port 53 in the firewall\n"
     "options {\n"
     "    listen-on port 53 { 203.0.113.53; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "do-udp",
     "server:\n"
     "    do-udp: yes\n"
     "    interface: 203.0.113.53"},
    {DP_SOFTWARE_KNOT, "listen",
     "# knotd listens on UDP and TCP on every listen address; open UDP port\n"
     "# 53 in the firewall\n"
     "server:\n"
     "  listen: 203.0.113.53@53"},
    {DP_SOFTWARE_NSD, "do-udp",
     "server:\n"
     "    do-udp: yes\n"
     "    ip-address: 203.0.113.53"},
    {DP_SOFTWARE_PDNS_AUTH, "local-address",
     "# pdns_server listens on UDP and TCP; open UDP port 53 in the firewall\n"
     "local-address=203.0.113.53"},
    {DP_SOFTWARE_PDNS_RECURSOR, "local-address", "local-address=203.0.113.53"},
    {DP_SOFTWARE_KNOT_RESOLVER, "net.listen",
     "net.listen('203.0.113.53', 53, { kind = 'dns' })   -- UDP and TCP"},
    {DP_SOFTWARE_DNSMASQ, "listen-address", "listen-address=203.0.113.53"},
    {DP_SOFTWARE_COREDNS, "bind",
     ".:53 {\n"
     "    bind 203.0.113.53\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "New-NetFirewallRule",
     "New-NetFirewallRule -DisplayName \"DNS UDP\" -Direction Inbound "
     "-Protocol UDP -LocalPort 53 -Action Allow"},
    END,
};

/* upstream-slow: the resolver's upstreams answer, but late. */
static const struct dp_knowledge_fix fix_upstream_slow[] = {
    {DP_SOFTWARE_BIND, "forwarders",
     "// forward to upstreams that answer; resolve by itself when they do\n"
     "// not, and keep serving stale answers meanwhile\n"
     "options {\n"
     "    forwarders { 198.51.100.1; 198.51.100.2; };\n"
     "    forward first;\n"
     "    stale-answer-enable yes;\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "forward-zone",
     "server:\n"
     "    serve-expired: yes\n"
     "forward-zone:\n"
     "    name: \".\"\n"
     "    forward-addr: 198.51.100.1\n"
     "    forward-addr: 198.51.100.2\n"
     "    forward-first: yes"},
    {DP_SOFTWARE_KNOT, NULL,
     "Knot DNS is authoritative only and has no upstream; recursive queries "
     "belong to a resolver such as Knot Resolver."},
    {DP_SOFTWARE_NSD, NULL,
     "NSD is authoritative only and has no upstream; recursive queries "
     "belong to a resolver such as Unbound."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server does not recurse and has no upstream; "
     "recursive queries belong to PowerDNS Recursor."},
    {DP_SOFTWARE_PDNS_RECURSOR, "forward-zones-recurse",
     "forward-zones-recurse=.=198.51.100.1;198.51.100.2\n"
     "serve-stale-extensions=1"},
    {DP_SOFTWARE_KNOT_RESOLVER, "policy.FORWARD",
     "policy.add(policy.all(policy.FORWARD({'198.51.100.1', "
     "'198.51.100.2'})))"},
    {DP_SOFTWARE_DNSMASQ, "server",
     "# query every upstream at once and take the first answer\n"
     "server=198.51.100.1\n"
     "server=198.51.100.2\n"
     "all-servers"},
    {DP_SOFTWARE_COREDNS, "forward",
     ". {\n"
     "    forward . 198.51.100.1 198.51.100.2 {\n"
     "        health_check 5s\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerForwarder",
     "Set-DnsServerForwarder -IPAddress 198.51.100.1,198.51.100.2 "
     "-UseRootHint $true -Timeout 3"},
    END,
};

/* requests-dropped: some kinds of request get no reply at all. */
static const struct dp_knowledge_fix fix_requests_dropped[] = {
    {DP_SOFTWARE_BIND, NULL,
     "BIND answers UPDATE, NOTIFY and unknown opcodes; a reply that never "
     "comes is dropped on the way, by a firewall or a DNS-aware middlebox."},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound answers every opcode (NOTIMP when it does not support one); "
     "silence is a firewall or middlebox on the way."},
    {DP_SOFTWARE_KNOT, NULL,
     "Knot DNS answers UPDATE, NOTIFY and unknown opcodes; silence is a "
     "firewall or middlebox on the way."},
    {DP_SOFTWARE_NSD, NULL,
     "NSD answers every opcode (NOTIMP for UPDATE); silence is a firewall "
     "or middlebox on the way."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server stays silent on opcodes it does not "
     "know; there is no setting for this. UPDATE needs dnsupdate=yes to be "
     "answered at all."},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor does not answer UPDATE or NOTIFY over UDP unless "
     "allowed (allow-notify-from); there is no setting that answers an "
     "unknown opcode."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver has no setting for these requests; silence comes from "
     "the path."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq as a forwarder ignores UPDATE, NOTIFY and unknown opcodes; "
     "there is no setting that answers them."},
    {DP_SOFTWARE_COREDNS, NULL,
     "CoreDNS answers what its plugins handle; a request no plugin handles "
     "should get an error: look at the server block for the zone."},
    {DP_SOFTWARE_WINDOWS, NULL,
     "Windows DNS Server has no setting for this; check the firewall and "
     "any policy that ignores requests."},
    END,
};

/* dnssec-clock: signatures valid only from a future time. */
static const struct dp_knowledge_fix fix_dnssec_clock[] = {
    {DP_SOFTWARE_BIND, "the host's clock (NTP)",
     "# named stamps RRSIGs with its host's clock: set it right, then sign\n"
     "# again (named replaces RRSIGs as it refreshes them under\n"
     "# dnssec-policy; a zone signed by hand needs dnssec-signzone again)\n"
     "timedatectl set-ntp true\n"
     "dnssec-signzone -S -K keys -o example.com example.com.db"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound does not sign zones: set the clock of the host that signs "
     "the zone right (NTP) and re-sign there."},
    {DP_SOFTWARE_KNOT, "knotc zone-sign",
     "# knotd stamps RRSIGs with its host's clock: set it right, then\n"
     "# re-sign the whole zone\n"
     "timedatectl set-ntp true\n"
     "knotc zone-sign example.com"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD does not sign zones: set the clock of the host that runs the "
     "signer right (NTP), re-sign there, then nsd-control reload "
     "example.com."},
    {DP_SOFTWARE_PDNS_AUTH, "the host's clock (NTP)",
     "# live signatures take their times from the host's clock: set it\n"
     "# right, then drop the cached answers\n"
     "timedatectl set-ntp true\n"
     "pdns_control purge 'example.com$'"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor does not sign zones: set the signer's clock right "
     "and re-sign there."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver does not sign zones: set the signer's clock right and "
     "re-sign there."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq does not sign zones: set the signer's clock right and "
     "re-sign there."},
    {DP_SOFTWARE_COREDNS, "dnssec",
     "# the dnssec plugin signs with the host's clock and caches what it\n"
     "# signed: set the clock right (timedatectl set-ntp true), then\n"
     "# restart CoreDNS to drop the cached signatures"},
    {DP_SOFTWARE_WINDOWS, "w32tm / Invoke-DnsServerZoneSign",
     "w32tm /resync\n"
     "Invoke-DnsServerZoneSign -ZoneName example.com -DoResign -Force"},
    END,
};

/* dnssec-key-mismatch: RRSIGs by a key the DNSKEY set does not hold. */
static const struct dp_knowledge_fix fix_dnssec_rollover[] = {
    {DP_SOFTWARE_BIND, "dnssec-policy",
     "// let named time key rollovers: it publishes a key before signing\n"
     "// with it and keeps it until its signatures have expired;\n"
     "// rndc dnssec -status example.com shows each key's state\n"
     "zone \"example.com\" {\n"
     "    type primary;\n"
     "    file \"example.com.db\";\n"
     "    dnssec-policy default;\n"
     "    inline-signing yes;\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound does not sign zones: fix the key set on the zone's signer."},
    {DP_SOFTWARE_KNOT, "policy / knotc zone-key-rollover",
     "# knotd times ZSK and KSK rollovers itself; a rollover by hand:\n"
     "# knotc zone-key-rollover example.com zsk\n"
     "policy:\n"
     "  - id: auto\n"
     "    zsk-lifetime: 30d\n"
     "    propagation-delay: 1h\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    dnssec-signing: on\n"
     "    dnssec-policy: auto"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD does not sign or roll keys: the signer in front of it must "
     "publish a key before it signs with it and keep it until its "
     "signatures have expired (OpenDNSSEC's enforcer times this: "
     "ods-enforcer key list --verbose), then nsd-control reload "
     "example.com."},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil add-zone-key",
     "pdnsutil list-keys example.com\n"
     "# publish a new key before it signs; keep the old one until its\n"
     "# signatures have expired, then remove it\n"
     "pdnsutil add-zone-key example.com zsk inactive published ecdsa256\n"
     "pdnsutil activate-zone-key example.com ID"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor does not sign zones: fix the key set on the zone's "
     "signer."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver does not sign zones: fix the key set on the zone's "
     "signer."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq does not sign zones: fix the key set on the zone's signer."},
    {DP_SOFTWARE_COREDNS, "dnssec",
     "# the dnssec plugin signs with every key listed; each must be\n"
     "# published as a DNSKEY of the zone\n"
     "example.com {\n"
     "    file db.example.com\n"
     "    dnssec {\n"
     "        key file Kexample.com.+013+12345\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Step-DnsServerSigningKeyRollover",
     "Get-DnsServerSigningKey -ZoneName example.com\n"
     "Step-DnsServerSigningKeyRollover -ZoneName example.com -KeyId ID"},
    END,
};

/* dnssec-algorithm: roll the zone to an algorithm validators keep. */
static const struct dp_knowledge_fix fix_dnssec_algorithm[] = {
    {DP_SOFTWARE_BIND, "dnssec-policy",
     "// a policy with the new algorithm: named rolls the zone to it\n"
     "dnssec-policy \"ecdsa\" {\n"
     "    keys { csk lifetime unlimited algorithm ecdsap256sha256; };\n"
     "};\n"
     "zone \"example.com\" {\n"
     "    type primary;\n"
     "    file \"example.com.db\";\n"
     "    dnssec-policy \"ecdsa\";\n"
     "    inline-signing yes;\n"
     "};\n"
     "// once the parent publishes the new DS:\n"
     "// rndc dnssec -checkds published example.com"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound does not sign zones: change the algorithm on the zone's "
     "signer."},
    {DP_SOFTWARE_KNOT, "policy algorithm",
     "# knotd rolls the zone to the policy's algorithm itself\n"
     "policy:\n"
     "  - id: auto\n"
     "    algorithm: ecdsap256sha256\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    dnssec-signing: on\n"
     "    dnssec-policy: auto"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD does not sign zones: roll the algorithm on the signer in front "
     "of it (OpenDNSSEC: <Algorithm>13</Algorithm> in kasp.xml; or keys "
     "made with ldns-keygen -a ECDSAP256SHA256 example.com), update the "
     "DS, then nsd-control reload example.com."},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil add-zone-key",
     "pdnsutil add-zone-key example.com ksk active ecdsa256\n"
     "pdnsutil add-zone-key example.com zsk active ecdsa256\n"
     "pdnsutil export-zone-ds example.com   # submit the new DS\n"
     "# once it is published, remove the old keys:\n"
     "# pdnsutil remove-zone-key example.com ID"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor does not sign zones: change the algorithm on the "
     "zone's signer."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver does not sign zones: change the algorithm on the "
     "zone's signer."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq does not sign zones: change the algorithm on the zone's "
     "signer."},
    {DP_SOFTWARE_COREDNS, "dnssec",
     "# a key of the new algorithm for the dnssec plugin:\n"
     "# dnssec-keygen -a ECDSAP256SHA256 -f KSK example.com\n"
     "example.com {\n"
     "    file db.example.com\n"
     "    dnssec {\n"
     "        key file Kexample.com.+013+12345\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Add-DnsServerSigningKey",
     "Add-DnsServerSigningKey -ZoneName example.com -Type KeySigningKey "
     "-CryptoAlgorithm ECDsaP256Sha256\n"
     "Add-DnsServerSigningKey -ZoneName example.com -Type ZoneSigningKey "
     "-CryptoAlgorithm ECDsaP256Sha256"},
    END,
};

/* dnssec-nsec3: 0 iterations and no salt (RFC 9276 3.1). */
static const struct dp_knowledge_fix fix_dnssec_nsec3[] = {
    {DP_SOFTWARE_BIND, "nsec3param",
     "dnssec-policy \"nsec3\" {\n"
     "    nsec3param iterations 0 optout no salt-length 0;\n"
     "};\n"
     "// signed by hand: dnssec-signzone -3 - -H 0 ..."},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound does not sign zones: change the NSEC3 parameters on the "
     "zone's signer."},
    {DP_SOFTWARE_KNOT, "nsec3-iterations",
     "policy:\n"
     "  - id: auto\n"
     "    nsec3: on\n"
     "    nsec3-iterations: 0\n"
     "    nsec3-salt-length: 0"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD does not sign zones: set 0 iterations and no salt on the signer "
     "in front of it (ldns-signzone -n -t 0 without -s; dnssec-signzone "
     "-3 - -H 0; OpenDNSSEC: <Iterations>0</Iterations> and "
     "<Salt length=\"0\"/> in kasp.xml), then nsd-control reload "
     "example.com."},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil set-nsec3",
     "pdnsutil set-nsec3 example.com '1 0 0 -'\n"
     "pdnsutil rectify-zone example.com"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor does not sign zones: change the NSEC3 parameters on "
     "the zone's signer."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver does not sign zones: change the NSEC3 parameters on the "
     "zone's signer."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq does not sign zones: change the NSEC3 parameters on the "
     "zone's signer."},
    {DP_SOFTWARE_COREDNS, NULL,
     "CoreDNS's dnssec plugin does not use NSEC3 (it denies with NSEC "
     "made on the fly): NSEC3 comes from a pre-signed file, to be signed "
     "again with 0 iterations and no salt where it is made."},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerDnsSecZoneSetting",
     "Set-DnsServerDnsSecZoneSetting -ZoneName example.com "
     "-NSec3Iterations 0 -NSec3RandomSaltLength 0\n"
     "Invoke-DnsServerZoneSign -ZoneName example.com -DoResign -Force"},
    END,
};

/* dnssec-keys-differ: every server must serve the signer's key set. */
static const struct dp_knowledge_fix fix_dnssec_keysets[] = {
    {DP_SOFTWARE_BIND, "rndc retransfer",
     "# on a secondary that serves an old copy: transfer the zone again\n"
     "rndc retransfer example.com\n"
     "# on the primary, notify the secondaries of every change:\n"
     "# zone \"example.com\" { notify yes; also-notify { 192.0.2.53; }; };"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound does not serve signed zones of its own: look at the servers "
     "the zone's NS records name."},
    {DP_SOFTWARE_KNOT, "knotc zone-retransfer",
     "# on a secondary that serves an old copy\n"
     "knotc zone-retransfer example.com"},
    {DP_SOFTWARE_NSD, "nsd-control force_transfer",
     "# on a secondary that serves an old copy\n"
     "nsd-control force_transfer example.com"},
    {DP_SOFTWARE_PDNS_AUTH, "pdns_control retrieve",
     "# on a secondary that serves an old copy\n"
     "pdns_control retrieve example.com\n"
     "# on the signer, each signer's keys published in both sets (RFC\n"
     "# 8901): pdnsutil import-zone-key example.com FILE ksk"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor does not serve signed zones of its own: look at the "
     "servers the zone's NS records name."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver does not serve signed zones of its own: look at the "
     "servers the zone's NS records name."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq does not serve signed zones: look at the servers the zone's "
     "NS records name."},
    {DP_SOFTWARE_COREDNS, "secondary",
     "# a CoreDNS secondary transfers from the signer\n"
     "example.com {\n"
     "    secondary {\n"
     "        transfer from 192.0.2.1\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Start-DnsServerZoneTransfer",
     "Start-DnsServerZoneTransfer -Name example.com -FullTransfer"},
    END,
};

/* dnssec-ds-mismatch, dnssec-insecure: the DS the parent must publish. */
static const struct dp_knowledge_fix fix_dnssec_ds[] = {
    {DP_SOFTWARE_BIND, "dnssec-dsfromkey / rndc dnssec -checkds",
     "# the DS to submit to the registrar, from the key-signing key:\n"
     "dnssec-dsfromkey -2 Kexample.com.+013+12345.key\n"
     "# with dnssec-policy, once the parent publishes it:\n"
     "rndc dnssec -checkds published example.com"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound does not hold the zone's keys: make the DS on the zone's "
     "signer."},
    {DP_SOFTWARE_KNOT, "keymgr ds / knotc zone-ksk-submitted",
     "keymgr example.com ds                 # the DS to submit\n"
     "knotc zone-ksk-submitted example.com  # once the parent has it"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD does not hold the zone's keys: make the DS on the signer in "
     "front of it (ldns-key2ds -n -2 Kexample.com.+013+12345.key, or "
     "ods-enforcer key export --zone example.com --ds) and submit it to "
     "the registrar."},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil export-zone-ds",
     "pdnsutil export-zone-ds example.com   # the DS to submit"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor does not hold the zone's keys: make the DS on the "
     "zone's signer."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver does not hold the zone's keys: make the DS on the "
     "zone's signer."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq does not hold the zone's keys: make the DS on the zone's "
     "signer."},
    {DP_SOFTWARE_COREDNS, "dnssec",
     "# the DS of the key the dnssec plugin signs with:\n"
     "dnssec-dsfromkey -2 Kexample.com.+013+12345.key"},
    {DP_SOFTWARE_WINDOWS, "Export-DnsServerDnsSecPublicKey",
     "Export-DnsServerDnsSecPublicKey -ZoneName example.com -Path "
     "C:\\dnssec"},
    END,
};

/* The zone's own NS records (ns-mismatch, ns-too-few, ns-one-network,
 * ns-cname): where each software keeps them. The parent's copy is changed
 * at the registrar. */
static const struct dp_knowledge_fix fix_zone_ns[] = {
    {DP_SOFTWARE_BIND, "zone file NS records",
     "; the zone file, with the serial raised; then rndc reload example.com\n"
     "example.com.  3600  IN  NS  ns1.example.com.\n"
     "example.com.  3600  IN  NS  ns2.example.net."},
    {DP_SOFTWARE_UNBOUND, "auth-zone",
     "# the NS records of the auth-zone's zonefile, with the serial raised;\n"
     "# then unbound-control auth_zone_reload example.com\n"
     "example.com.  3600  IN  NS  ns1.example.com.\n"
     "example.com.  3600  IN  NS  ns2.example.net."},
    {DP_SOFTWARE_KNOT, "knotc zone-set",
     "knotc zone-begin example.com\n"
     "knotc zone-set example.com @ 3600 NS ns2.example.net.\n"
     "knotc zone-commit example.com"},
    {DP_SOFTWARE_NSD, "zone file NS records",
     "; the zone file, with the serial raised; then nsd-control reload "
     "example.com\n"
     "example.com.  3600  IN  NS  ns1.example.com.\n"
     "example.com.  3600  IN  NS  ns2.example.net."},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil edit-zone",
     "pdnsutil edit-zone example.com   # the NS records at the apex"},
    {DP_SOFTWARE_PDNS_RECURSOR, "auth-zones",
     "# the NS records are in the file auth-zones names\n"
     "auth-zones=example.com=/etc/powerdns/example.com.zone"},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver serves no zone of its own: the NS records are not kept "
     "there, but on the zone's authoritative servers."},
    {DP_SOFTWARE_DNSMASQ, "auth-sec-servers",
     "auth-zone=example.com\n"
     "auth-server=ns1.example.com,203.0.113.53\n"
     "auth-sec-servers=ns2.example.net"},
    {DP_SOFTWARE_COREDNS, "file",
     "example.com {\n"
     "    file /etc/coredns/db.example.com   # its NS records\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Add-DnsServerResourceRecord",
     "Add-DnsServerResourceRecord -ZoneName example.com -NS -Name \"@\" "
     "-NameServer ns2.example.net"},
    END,
};

/* The zone's SOA (soa-timers, soa-names): refresh 2 h, retry 1 h, expire
 * 2 weeks, negative TTL 1 h, inside the ranges dnsprobe checks. */
static const struct dp_knowledge_fix fix_zone_soa[] = {
    {DP_SOFTWARE_BIND, "zone file SOA",
     "; the zone file, then rndc reload example.com\n"
     "@  3600  IN  SOA  ns1.example.com. hostmaster.example.com. (\n"
     "        2024010102 ; serial, raised\n"
     "        7200       ; refresh\n"
     "        3600       ; retry\n"
     "        1209600    ; expire\n"
     "        3600 )     ; negative TTL"},
    {DP_SOFTWARE_UNBOUND, "auth-zone",
     "# the SOA of the auth-zone's zonefile, then\n"
     "# unbound-control auth_zone_reload example.com\n"
     "@ 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010102 "
     "7200 3600 1209600 3600"},
    {DP_SOFTWARE_KNOT, "zone file SOA",
     "; the zone file's SOA, then knotc zone-reload example.com\n"
     "@ 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010102 "
     "7200 3600 1209600 3600"},
    {DP_SOFTWARE_NSD, "zone file SOA",
     "; the zone file's SOA, then nsd-control reload example.com\n"
     "@ 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010102 "
     "7200 3600 1209600 3600"},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil edit-zone",
     "pdnsutil edit-zone example.com   # the SOA record:\n"
     "# ns1.example.com. hostmaster.example.com. 2024010102 7200 3600 "
     "1209600 3600"},
    {DP_SOFTWARE_PDNS_RECURSOR, "auth-zones",
     "# the SOA is in the file auth-zones names\n"
     "auth-zones=example.com=/etc/powerdns/example.com.zone"},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver serves no zone of its own: the SOA is not kept there, "
     "but on the zone's primary server."},
    {DP_SOFTWARE_DNSMASQ, "auth-soa",
     "# serial, hostmaster, refresh, retry, expire\n"
     "auth-soa=2024010102,hostmaster.example.com,7200,3600,1209600"},
    {DP_SOFTWARE_COREDNS, "file",
     "; the SOA of the zone file the file plugin reads\n"
     "@ 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010102 "
     "7200 3600 1209600 3600"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerResourceRecord",
     "$old = Get-DnsServerResourceRecord -ZoneName example.com -RRType Soa\n"
     "$new = $old.Clone()\n"
     "$new.RecordData.RefreshInterval = [TimeSpan]::FromHours(2)\n"
     "$new.RecordData.ExpireLimit = [TimeSpan]::FromDays(14)\n"
     "Set-DnsServerResourceRecord -ZoneName example.com "
     "-OldInputObject $old -NewInputObject $new"},
    END,
};

#define FROM(f) NULL, DP_FINDING_##f
#define OWN(t) t, DP_FINDING_NONE

static const struct dp_knowledge_cause causes[DP_CAUSE_COUNT] = {
    [DP_CAUSE_NONE] = {"none", NULL, NULL, NULL, NULL, NULL, NULL, FROM(NONE)},
    [DP_CAUSE_PORT_CLOSED] =
        {"port-closed", "Nothing listens on this address and port",
         "nothing listens on this port (ICMP port unreachable, TCP refused)",
         "The host answered, but not with DNS: UDP queries got an ICMP port "
         "unreachable and TCP connections were refused. No DNS server is "
         "listening on this address and port.",
         "Every probe fails at once with port-unreachable or "
         "connection-refused: the server is stopped, crashed, listens on "
         "another address or port, or was never configured for this one.",
         "Start the server, and make it listen on the address and port you "
         "probe (check with ss -lunpt).",
         "Unlike unreachable, the host is there and says no at once; unlike "
         "client-dropped, nothing accepts the TCP connection.",
         FROM(UNREACHABLE)},
    [DP_CAUSE_UNREACHABLE] =
        {"unreachable", "No reply of any kind: the server cannot be reached",
         "nothing at all came back: a firewall drops the packets, or the "
         "host is down",
         "No probe got anything back: no DNS reply, no ICMP error, and no "
         "TCP connection. The packets are lost on the way or the host is "
         "down.",
         "Every probe times out, TCP connections included: a firewall that "
         "drops DNS to this host (or from this client), a wrong address, a "
         "host that is off, or a routing problem.",
         "Check that the host is up and reachable (ping, traceroute), then "
         "the firewalls on the way and on the host for UDP and TCP port "
         "53.",
         "Unlike client-dropped, not even a TCP connection is accepted; "
         "unlike port-closed, nothing says no.",
         FROM(UNREACHABLE)},
    [DP_CAUSE_CLIENT_DROPPED] =
        {"client-dropped", "The server drops this client: no service at all",
         "the server is alive but drops this client by policy",
         "The server accepts TCP connections and then closes or resets them, "
         "or keeps them open, without a reply, and answers nothing over UDP: "
         "it is running and drops this client on purpose. For this client "
         "there is no DNS service at all.",
         "An access list that drops instead of refusing: Unbound's "
         "access-control deny, PowerDNS Recursor's allow-from without this "
         "address, BIND's blackhole, or a firewall that lets TCP connect "
         "and then cuts it. Typical of a resolver asked from outside the "
         "network it serves. A server that accepts connections but never "
         "answers on them may also be hung: its log tells.",
         "If this client should be served, add its address or network to "
         "the server's access list. If not, prefer refusing (REFUSED) to "
         "dropping, so that clients learn at once instead of waiting for "
         "timeouts.",
         "Unlike unreachable, the TCP connection is accepted, so the host "
         "and the server are up; unlike client-refused, nothing is said; "
         "unlike rate-limited, nothing is ever answered.",
         OWN(fix_client_dropped)},
    [DP_CAUSE_CLIENT_REFUSED] =
        {"client-refused", "The server refuses this client everything",
         "the server refuses this client everything, even an unknown "
         "opcode: an access list shuts this client out",
         "Every request got REFUSED, even those every server can answer (an "
         "unknown opcode, a CHAOS TXT query): an access list refuses this "
         "client before the query is even looked at. Whether the zone is "
         "configured cannot be told from here.",
         "Unbound's access-control refuse, BIND's allow-query (and "
         "allow-query-cache) without this client, a resolver that serves "
         "only its own network, or a proxy in front of the server.",
         "If this client should be served, add it to the server's query "
         "access list; otherwise this is the intended answer.",
         "Unlike lame, the refusal covers everything, not the zone alone; "
         "unlike client-dropped, the server says so.",
         OWN(fix_client_refused)},
    [DP_CAUSE_LAME] =
        {"lame", "The zone is not served here (lame delegation)",
         "the zone is not served here (lame)",
         "Asked for the zone's SOA without recursion, the server refused it "
         "(or answered without authority) while answering other requests: "
         "the zone is not configured on this server. If the zone's NS "
         "records name this server, the delegation is lame.",
         "A server removed from the zone but still in its NS set, a zone "
         "that never loaded because its name is misspelt in the "
         "configuration, or a --zone that this server was never meant to "
         "serve.",
         "Configure the zone on this server (as a primary or a secondary) "
         "and check that it loaded, or remove the server from the zone's NS "
         "records at the parent and in the zone.",
         "Unlike query-refused, nothing shows the zone loaded (no "
         "authoritative answer for it at all); unlike zone-broken, the zone "
         "is absent, not failing.",
         FROM(ZONE_LAME)},
    [DP_CAUSE_QUERY_REFUSED] =
        {"query-refused", "The zone is loaded, but refused to this client",
         "the zone is loaded here, but an access list refuses this "
         "client's queries",
         "The server refused the zone's SOA query, yet another answer "
         "carried authority for the zone (NOTIFY, a transfer or TCP): the "
         "zone is loaded, and an access list (allow-query) refuses this "
         "client.",
         "A zone's allow-query that lists only some networks, a view that "
         "does not match this client, or a load balancer that splits "
         "queries by source.",
         "Add this client to the zone's query access list, or check which "
         "view it falls into.",
         "Unlike lame, the zone is there; unlike client-refused, other "
         "requests are answered.",
         OWN(fix_client_refused)},
    [DP_CAUSE_ZONE_BROKEN] =
        {"zone-broken", "The zone is configured but broken (SERVFAIL)",
         "the zone failed to load or expired",
         "The server answered SERVFAIL for the zone's own SOA: the zone is "
         "configured, but the server cannot serve it. A primary whose zone "
         "file does not load, or a secondary whose copy expired because it "
         "could not reach its primary.",
         "A syntax error in the zone file after an edit, a missing file or "
         "key, or a secondary cut off from its primary for longer than the "
         "SOA expire time.",
         "Read the server's log for the zone, check the zone file, and on "
         "a secondary check that the primary answers and allows the "
         "transfer; then reload or retransfer.",
         "Unlike lame, the server knows the zone; unlike upstream, no "
         "resolution is involved: the data itself is missing.",
         FROM(ZONE_SERVFAIL)},
    [DP_CAUSE_NO_ZONE] =
        {"no-zone", "No --zone given: the zone probes asked about the root",
         "no zone was given, so the zone probes asked about the root",
         "dnsprobe ran without --zone, so the probes of the zone (SOA, "
         "transfers, UPDATE, NOTIFY) asked about the root zone, which most "
         "servers do not serve. Their answers say nothing about the zones "
         "this server really hosts.",
         "Always when --zone is left out, unless the server serves the "
         "root.",
         "Run dnsprobe again with --zone naming a zone the server should "
         "serve (or with --expect resolver to test a resolver).",
         "Unlike lame, nothing is wrong with the server: the question was "
         "not the right one.",
         FROM(ZONE_ROOT_DEFAULT)},
    [DP_CAUSE_UPSTREAM] =
        {"upstream", "The resolver cannot get answers from its upstreams",
         "the resolver cannot get an answer from its upstreams",
         "The resolver offers recursion but failed to resolve a name: "
         "SERVFAIL, also with checking disabled, so not DNSSEC. Its "
         "forwarders, or the authoritative servers, do not answer it.",
         "Forwarders that are down or refuse it, outbound UDP and TCP port "
         "53 blocked, a broken delegation for the name asked, or no route "
         "out (EDE 22 No Reachable Authority, 23 Network Error say so).",
         "From the resolver's host, query its forwarders or the zone's "
         "servers directly; fix the forwarder list or the firewall for "
         "outbound DNS.",
         "Unlike dnssec, the answer fails with checking disabled too; "
         "unlike upstream-slow, no answer comes at all.",
         FROM(RECURSION_UPSTREAM)},
    [DP_CAUSE_UPSTREAM_SLOW] =
        {"upstream-slow", "The resolver's upstream answers, but too slowly",
         "the resolver's upstream is slow: the first answer outlived the "
         "timeout",
         "The recursive query got no answer within the timeout, while every "
         "other probe was answered at once; asked again a moment later, the "
         "resolver answered. Its upstream is slow or one of its upstreams "
         "is dead and it waits for it first.",
         "A dead forwarder tried before a live one, a cold cache behind a "
         "slow link, or authoritative servers that answer late.",
         "Remove dead forwarders, let the resolver query upstreams in "
         "parallel or fall back quickly, and serve stale answers while it "
         "waits.",
         "Unlike upstream, the second try is answered; unlike "
         "client-dropped, the resolver answers every other request.",
         OWN(fix_upstream_slow)},
    [DP_CAUSE_DNSSEC] =
        {"dnssec", "DNSSEC validation fails for the name asked",
         "the resolver's DNSSEC validation fails for this name",
         "The resolver answered SERVFAIL, and the same query with checking "
         "disabled (CD=1) resolved: the answer does not validate. The "
         "domain's signatures or keys are broken, or the resolver's trust "
         "anchor or clock is wrong.",
         "Expired signatures, a DS at the parent that matches no key, a key "
         "rollover gone wrong; or a resolver with a stale trust anchor or "
         "a clock far off (EDE 6 to 12 name which).",
         "Fix the zone's signing (re-sign, correct the DS), or, for a zone "
         "you do not control, add a negative trust anchor until it is "
         "fixed; check the resolver's clock and trust anchor.",
         "Unlike upstream, the name resolves with CD=1.",
         FROM(RECURSION_DNSSEC)},
    [DP_CAUSE_RECURSION_REFUSED] =
        {"recursion-refused", "The resolver refuses recursion to this client",
         "the resolver refuses recursion to this client",
         "The server answers other requests but refused to resolve a name "
         "for this client: its recursion access list leaves this client "
         "out.",
         "A resolver that serves only its own network, asked from outside "
         "it; allow-recursion, access-control or allow-from without this "
         "client.",
         "If this client should use the resolver, add it to the recursion "
         "access list; otherwise use a resolver you are allowed to use.",
         "Unlike client-refused, other requests are answered; unlike "
         "upstream, the resolver does not even try.",
         FROM(RECURSION_REFUSED)},
    [DP_CAUSE_OPEN_RESOLVER] =
        {"open-resolver", "Open recursion on an authoritative server",
         "the authoritative server also resolves names for this client",
         "The server serves the zone and also resolves any name for this "
         "client. An authoritative server open to recursion can be used "
         "for amplification attacks and cache poisoning (RFC 5358).",
         "A default of recursion on, or an allow-recursion list that is "
         "too wide, on a server meant to be authoritative only.",
         "Turn recursion off on authoritative servers, or limit it to the "
         "networks that need it; run the resolver elsewhere.",
         "Unlike recursion on a resolver, the server is also authoritative, "
         "where recursion has no business.",
         FROM(RECURSION_OPEN)},
    [DP_CAUSE_OPEN_TRANSFER] =
        {"open-transfer", "Zone transfer open to this client",
         "the whole zone is transferred to this client",
         "The server sent this client the whole zone (AXFR or IXFR): anyone "
         "who can reach it gets every name in the zone at once.",
         "An allow-transfer or provide-xfr list that is too wide, or a "
         "default that allows transfers from everywhere or from loopback.",
         "Limit transfers to the secondaries' addresses, better with a "
         "TSIG key; on a hidden primary that must transfer to this client, "
         "say so with --allow axfr=allowed.",
         "Unlike update-accepted, nothing can be changed, but everything "
         "can be read.",
         FROM(AXFR_OPEN)},
    [DP_CAUSE_UPDATE_ACCEPTED] =
        {"update-accepted", "Dynamic updates accepted from this client",
         "the server accepts dynamic updates from this client",
         "The server answered NOERROR to an empty dynamic UPDATE from this "
         "client, so it would apply real changes from this address. "
         "dnsprobe's UPDATE carried no record and changed nothing.",
         "allow-update with addresses (or any), update-policy too wide, or "
         "dnsupdate on without a key.",
         "Allow dynamic updates only with a TSIG key (or only from the one "
         "host that sends them) and only for the names it needs.",
         "Unlike open-transfer, data can be changed, not only read.",
         FROM(UPDATE_ACCEPTED)},
    [DP_CAUSE_NOTIFY_ACCEPTED] =
        {"notify-accepted", "NOTIFY accepted from this client",
         "the server acts on a NOTIFY from this client",
         "The server answered NOERROR to a NOTIFY from this client. A "
         "secondary that accepts NOTIFY from anyone can be made to query "
         "its primary at will; NOTIFY cannot change data.",
         "A secondary zone with allow-notify wider than its primaries.",
         "On a secondary, accept NOTIFY only from the zone's primaries.",
         "On a primary, a NOERROR to NOTIFY is normal (BIND answers so for "
         "its own zones) and is not reported.",
         FROM(NOTIFY_ACCEPTED)},
    [DP_CAUSE_IDENTITY_DISCLOSED] =
        {"identity-disclosed", "The server tells its software and version",
         "the server discloses its software version",
         "The server answers CH TXT version.bind with its software and "
         "version, to anyone who asks. It is not a fault in itself, but it "
         "tells an attacker which known vulnerabilities to try.",
         "The default of most servers.",
         "Answer version.bind with nothing or a neutral text, and keep the "
         "software up to date either way.",
         "Host names and NSID are shown as found and not reported: "
         "operators use them to tell anycast instances apart.",
         FROM(VERSION_DISCLOSED)},
    [DP_CAUSE_TCP_BLOCKED] =
        {"tcp-blocked", "DNS over TCP does not work",
         "DNS over TCP is blocked or not served",
         "The server answers over UDP but not over TCP: the TCP probes got "
         "no reply, a refused or a reset connection. TCP is mandatory (RFC "
         "7766): large answers, zone transfers and truncated replies need "
         "it.",
         "A firewall that opens UDP port 53 only, a server not listening on "
         "TCP, or a TCP connection limit reached.",
         "Open TCP port 53 in the firewalls, and let the server listen on "
         "TCP.",
         "Unlike udp-blocked, UDP works; unlike client-dropped, UDP is "
         "answered.",
         FROM(TCP_UNAVAILABLE)},
    [DP_CAUSE_UDP_BLOCKED] =
        {"udp-blocked", "DNS over UDP is blocked: only TCP gets through",
         "DNS over UDP is blocked on the way",
         "The queries over UDP got no answer while the same questions over "
         "TCP were answered. Almost every DNS client asks over UDP first, "
         "so for them the server does not work.",
         "A firewall or security group that opens TCP port 53 only, or a "
         "server not listening on UDP.",
         "Open UDP port 53 in the firewalls, and let the server listen on "
         "UDP.",
         "Unlike tcp-blocked, it is UDP that fails; unlike edns-dropped, "
         "UDP fails with and without EDNS.",
         OWN(fix_udp_blocked)},
    [DP_CAUSE_EDNS_DROPPED] =
        {"edns-dropped", "Queries with EDNS are dropped on the way",
         "queries with EDNS are dropped on the way",
         "Queries without EDNS were answered and the same queries with "
         "EDNS were not: something on the way drops EDNS (OPT) queries. "
         "Resolvers stopped working around this at the 2019 DNS Flag Day.",
         "A firewall with DNS inspection that rejects OPT records, an old "
         "load balancer, or a server too old for EDNS that drops instead "
         "of answering FORMERR.",
         "Find the device that drops EDNS and update or reconfigure it; "
         "upgrade the server.",
         "Unlike legacy, nothing answers (not even FORMERR); unlike "
         "fragmentation, small answers are lost too.",
         FROM(EDNS_NONCOMPLIANT)},
    [DP_CAUSE_FRAGMENTATION] =
        {"fragmentation", "Large UDP answers are lost on the way",
         "large UDP answers are lost on the way",
         "Small answers came back, and a large one did not: the same "
         "DNSKEY answer came back truncated to 512 bytes but not in full "
         "with a 4096-byte buffer. Large UDP answers (or their IP "
         "fragments) are lost on the way.",
         "A firewall that drops IP fragments, one that caps DNS over UDP at "
         "512 bytes (Cisco ASA's 'message-length maximum 512', old DNS "
         "inspection defaults), a path MTU problem, or an EDNS buffer size "
         "that is too large.",
         "Keep the EDNS buffer size at 1232 bytes (DNS Flag Day 2020) so "
         "that answers are not fragmented, let fragments through, and lift "
         "any 512-byte limit on DNS in firewalls (on an ASA: "
         "'message-length maximum client auto').",
         "Unlike edns-dropped and rate-limited, small answers to the same "
         "server get through.",
         FROM(EDNS_NONCOMPLIANT)},
    [DP_CAUSE_LEGACY] =
        {"legacy", "An old server without EDNS", "an old server without EDNS",
         "The server answers queries without EDNS and answers FORMERR to "
         "those with EDNS: it does not support EDNS at all. RFC 6891 "
         "allows it, but DNSSEC, large answers and cookies need EDNS.",
         "Very old server software, or a proxy that strips EDNS.",
         "Upgrade the server software.",
         "Unlike edns-dropped, the server says FORMERR instead of staying "
         "silent; unlike broken, queries without EDNS work.",
         FROM(EDNS_NONCOMPLIANT)},
    [DP_CAUSE_BROKEN] =
        {"broken", "The server fails with and without EDNS",
         "the server fails with and without EDNS",
         "The server answered FORMERR to EDNS queries, and failed without "
         "EDNS too: it is broken, not only old.",
         "A faulty server or proxy.",
         "Upgrade or replace the server software; capture an exchange to "
         "see what it does.",
         "Unlike legacy, the plain query fails too.", FROM(EDNS_NONCOMPLIANT)},
    [DP_CAUSE_EDNS_NONCOMPLIANT] =
        {"edns-noncompliant", "EDNS handled incorrectly",
         "the server handles EDNS incorrectly",
         "One or more EDNS compliance tests (RFC 6891, RFC 8906 section 8) "
         "failed: BADVERS missing for EDNS version 1, unknown options "
         "echoed, unknown flags or the Z bit copied, or DO not copied.",
         "Old or buggy server software, or a middlebox that rewrites OPT "
         "records.",
         "Upgrade the server software; check middleboxes that rewrite DNS.",
         "Unlike edns-dropped, answers come back, but wrong.",
         FROM(EDNS_NONCOMPLIANT)},
    [DP_CAUSE_OPCODE_MISHANDLED] =
        {"opcode-mishandled", "Unknown opcodes not answered with NOTIMP",
         "the server does not answer an unknown opcode with NOTIMP",
         "A query with an unassigned opcode got no answer, or an answer "
         "other than NOTIMP with the opcode echoed. RFC 8906 section 8.1.4 "
         "requires NOTIMP; clients and new protocol extensions rely on it, "
         "and silence makes them wait for a timeout.",
         "Some servers drop unknown opcodes by design (PowerDNS "
         "Authoritative); firewalls with DNS inspection and load balancers "
         "drop or rewrite them too.",
         "Upgrade the server, or find the middlebox that drops the query; "
         "where the software itself stays silent, --allow opcode=no-answer "
         "accepts it.",
         "Unlike rate-limited, the silence is about the request, not how "
         "many came: the same opcode is never answered.",
         FROM(OPCODE_NONCOMPLIANT)},
    [DP_CAUSE_RATE_LIMITED] =
        {"rate-limited", "Answers rate-limited (RRL)",
         "the server limits how many identical answers this client gets per "
         "second (response rate limiting, RRL); a battery asks for the "
         "zone's SOA about ten times in a few milliseconds",
         "The server limits how many identical answers one client gets per "
         "second (response rate limiting), a defence against reflection "
         "attacks. The same question asked moments earlier was answered; "
         "later ones got nothing or an empty TC=1 reply (the slip), so "
         "those probes could not test what they were for.",
         "BIND rate-limit, Knot mod-rrl, NSD rrl-ratelimit, or a firewall "
         "with a DNS rate limit.",
         "Nothing is wrong for normal clients. To test the server fully, "
         "exempt the monitoring host from rate limiting, or run dnsprobe "
         "with --spacing 250.",
         "Unlike requests-dropped or opcode-mishandled, the question is "
         "answered at first; unlike fragmentation, small answers stop "
         "too.",
         FROM(RATE_LIMITED)},
    [DP_CAUSE_REQUESTS_DROPPED] =
        {"requests-dropped", "Some kinds of request get no reply",
         "the server, or something on the way, drops these requests without "
         "a reply",
         "The server answers ordinary queries, but some kinds of request "
         "got no reply at all. Clients that send them wait for a timeout "
         "instead of learning at once that they are not served.",
         "Forwarders such as dnsmasq ignore UPDATE and NOTIFY; firewalls "
         "with DNS inspection drop requests they do not know.",
         "Where silence is a choice, prefer an explicit REFUSED or NOTIMP; "
         "otherwise find the middlebox that drops them.",
         "Unlike rate-limited, these requests are never answered; unlike "
         "client-dropped, the rest is.",
         OWN(fix_requests_dropped)},
    [DP_CAUSE_MALFORMED] =
        {"malformed", "Replies that cannot be read as DNS",
         "replies came back that cannot be read as DNS",
         "Replies came back that could not be parsed as DNS messages, or "
         "did not match the query's ID and question.",
         "A middlebox or broken proxy, another program on the port, or a "
         "bug in the server.",
         "Capture the exchange on both sides (tcpdump port 53), check which "
         "process owns the port, and look for proxies on the way.",
         "Unlike unexpected, not even the message can be read.",
         FROM(MALFORMED_ANSWER)},
    [DP_CAUSE_UNEXPECTED] =
        {"unexpected", "Answers that fit no expected outcome",
         "the server answered in a way that fits no expected outcome",
         "Well-formed replies whose RCODE fits none of the outcomes these "
         "requests should have (FORMERR to IXFR, SERVFAIL to a transfer, "
         "NXDOMAIN for the zone itself).",
         "Unbound answers FORMERR to any query with an authority section; "
         "a zone broken on this server answers SERVFAIL to transfers.",
         "Read the RCODE's meaning (dnsprobe explain CODE), compare with "
         "another server of the zone, and read the server's log.",
         "Unlike malformed, the reply can be read.", FROM(UNEXPECTED_ANSWER)},
    [DP_CAUSE_EXPECTATION] =
        {"expectation-failed",
         "Not what --expect, --require or --allow "
         "asked for",
         "a probe's verdict is not the one expected",
         "A probe's verdict is outside what the expectation (--expect, "
         "--require) allows, and no other cause explains it.",
         "A server that changed, or an expectation written for another kind "
         "of server.",
         "Change the server, or the expectation when the server is right.",
         "The other causes say what is wrong; this one says only that the "
         "verdict was not the one asked for.",
         FROM(NONE)},
    [DP_CAUSE_DNSSEC_EXPIRING] =
        {"dnssec-expiring", "The zone's DNSSEC signatures expire soon",
         "the zone's RRSIGs expire soon: re-signing has stopped or runs too "
         "late",
         "An RRSIG over the zone's SOA, DNSKEY or NSEC3PARAM, as this server "
         "serves it, expires within the warning threshold (7 days, and 2 "
         "for critical; --dnssec-warn and --dnssec-crit set them). Once it "
         "has expired, validating resolvers answer SERVFAIL for the data it "
         "covers: for their users the zone is gone.",
         "Signing that stopped: a cron job running dnssec-signzone or "
         "ldns-signzone that no longer runs, a signer (OpenDNSSEC, BIND's "
         "dnssec-policy, Knot's automatic signing) that lost its keys or "
         "its state, a secondary that stopped transferring from the signer "
         "and serves an old copy, or a signature lifetime shorter than the "
         "time between two signings.",
         "Re-sign the zone now, then find out why re-signing stopped and "
         "make it automatic, refreshing signatures well before they "
         "expire. On a secondary, check that it still transfers from the "
         "signer (its SOA serial against the primary's).",
         "Unlike dnssec-expired, validators still accept the signatures; "
         "unlike dnssec-clock, they are valid now.",
         FROM(DNSSEC_SIGNING)},
    [DP_CAUSE_DNSSEC_EXPIRED] =
        {"dnssec-expired", "The zone's DNSSEC signatures have expired",
         "the zone's RRSIGs have expired",
         "An RRSIG over the zone's SOA, DNSKEY or NSEC3PARAM, as this server "
         "serves it, has expired (RFC 4034 3.1.5). Validating resolvers, "
         "those of most ISPs and the public ones, answer SERVFAIL for the "
         "data it covers, and for the whole zone once the DNSKEY set's "
         "signatures have expired.",
         "Re-signing stopped (a cron job, a signer that lost its keys or its "
         "state), or a secondary serves a copy it no longer transfers.",
         "Re-sign the zone now and reload it on every server, then make "
         "re-signing automatic. Until then, resolver operators can add a "
         "negative trust anchor for the zone.",
         "Unlike dnssec-expiring, validation already fails; unlike "
         "dnssec-bogus, the signatures verify but are out of date.",
         FROM(DNSSEC_SIGNING)},
    [DP_CAUSE_DNSSEC_CLOCK] =
        {"dnssec-clock", "The zone's signatures are not valid yet",
         "the zone's RRSIGs are valid only from a future time: the signer's "
         "clock runs ahead",
         "An RRSIG over the zone's SOA, DNSKEY or NSEC3PARAM has an "
         "inception time in the future: validators reject it until then "
         "(RFC 4035 5.3.1) and answer SERVFAIL for the data.",
         "A signing host whose clock runs ahead (no NTP, a wrong clock after "
         "a reboot or in a virtual machine), a zone signed with an explicit "
         "start time in the future (dnssec-signzone -s), or a signed file "
         "copied from elsewhere before its start.",
         "Set the signing host's clock right (NTP), then sign the zone "
         "again; signers put the inception some time in the past to cover "
         "small clock differences.",
         "Unlike dnssec-expired, the signatures will become valid; unlike "
         "dnssec-bogus, they verify.",
         OWN(fix_dnssec_clock)},
    [DP_CAUSE_DNSSEC_BOGUS] =
        {"dnssec-bogus", "The zone's signatures do not verify",
         "the zone's RRSIGs do not verify, or an RRset of the signed zone "
         "has none",
         "An RRSIG over the zone's SOA, DNSKEY or NSEC3PARAM does not verify "
         "with the key it names, or the signed zone serves one of them "
         "without an RRSIG: validators treat the data as bogus (RFC 4035 "
         "5.3) and answer SERVFAIL for it.",
         "The zone file was changed after signing (a serial raised by hand "
         "or by a script) and served without signing it again, a "
         "secondary changed its copy, a signature was corrupted, or "
         "records were added where the signer never saw them.",
         "Re-sign the zone after every change, and make changes through the "
         "signer, never in the signed file; check that every server serves "
         "the signer's output unchanged.",
         "Unlike dnssec-key-mismatch, the key is there and the signature "
         "does not match it; unlike dnssec-expired, the times are right.",
         FROM(DNSSEC_SIGNING)},
    [DP_CAUSE_DNSSEC_KEY_MISMATCH] =
        {"dnssec-key-mismatch", "The zone's signatures and keys do not match",
         "the zone's RRSIGs name a key or signer its DNSKEY set does not "
         "hold",
         "RRSIGs of the zone name a key (tag and algorithm) that its DNSKEY "
         "set does not hold, or a signer other than the zone, or the zone "
         "serves RRSIGs and no DNSKEY at all: validators cannot verify "
         "that data and treat it as bogus, unless another signature over "
         "it holds.",
         "A key rollover gone wrong (a key withdrawn before the signatures "
         "it made expired, or signing with a key not yet published), two "
         "signers that do not publish each other's keys, or a signed file "
         "copied from another zone.",
         "Keep to a rollover's timing (publish a key before it signs, keep "
         "it until its signatures have expired), or let the signer time "
         "rollovers; then sign again so that every signature is by a "
         "published key of the zone.",
         "Unlike dnssec-bogus, there is no key to check the signature with; "
         "unlike dnssec-ds-mismatch, the break is inside the zone, not at "
         "the parent.",
         OWN(fix_dnssec_rollover)},
    [DP_CAUSE_DNSSEC_ALGORITHM] =
        {"dnssec-algorithm", "The zone is signed with a retired algorithm",
         "the zone is signed with an algorithm validators are dropping "
         "(RFC 8624)",
         "The zone's keys or signatures use an algorithm RFC 8624 says must "
         "not or should not sign: RSAMD5 (1), DSA (3, 6) and ECC-GOST (12), "
         "which validators ignore, so the zone is unsigned to them "
         "(critical); RSASHA1 (5, 7), which validators are switching off "
         "(warning); RSASHA512 (10), not recommended for its thin support "
         "(info).",
         "A zone signed long ago and never rolled to a newer algorithm, or "
         "a signer whose default is old.",
         "Roll the zone to ECDSAP256SHA256 (13), or ED25519 (15) or "
         "RSASHA256 (8): an algorithm rollover (RFC 6781 4.1.4) signs with "
         "both algorithms, publishes the new keys, changes the DS at the "
         "parent, and only then retires the old algorithm.",
         "Unlike dnssec-bogus, the signatures verify: the algorithm is the "
         "problem.",
         OWN(fix_dnssec_algorithm)},
    [DP_CAUSE_DNSSEC_NSEC3] =
        {"dnssec-nsec3", "NSEC3 with extra iterations or a salt",
         "the zone's NSEC3 parameters cost validators work (RFC 9276)",
         "The zone's NSEC3PARAM asks for extra hash iterations, or a salt, "
         "where RFC 9276 3.1 asks for 0 iterations and no salt: iterations "
         "cost every validator work on every negative answer and add "
         "nothing against zone walking, and validators treat zones with "
         "high counts as insecure or bogus (RFC 9276 3.2). Extra "
         "iterations are a warning, a salt is info.",
         "Signer defaults from before RFC 9276 (10 iterations and a salt "
         "were common), or NSEC3 set up by hand.",
         "Set 0 iterations and an empty salt on the signer; it builds the "
         "NSEC3 chain anew.",
         "Unlike the other DNSSEC causes, validation works today; it costs, "
         "and may stop working as validators lower their limits.",
         OWN(fix_dnssec_nsec3)},
    [DP_CAUSE_DNSSEC_UNCHECKED] =
        {"dnssec-unchecked", "The zone's DNSSEC could not be checked in full",
         "an answer or a signature the DNSSEC check needs could not be "
         "checked",
         "An answer the DNSSEC check needs could not be used (an error "
         "RCODE, a reply still truncated after asking over TCP, more "
         "records than dnsprobe reads), a signature's algorithm is one the "
         "libcrypto dnsprobe runs with cannot verify, or the zone has more "
         "signatures than dnsprobe verifies. What was not checked may be "
         "broken.",
         "A server that answers the DNSKEY or SOA query with SERVFAIL or "
         "REFUSED, TCP blocked while the UDP answer was truncated, or an "
         "algorithm this build's OpenSSL lacks (ECC-GOST).",
         "Read the evidence for what was not checked: make the server "
         "answer those queries, over TCP too, or check that part with "
         "another validator (delv, DNSViz).",
         "Unlike the other DNSSEC causes, it finds nothing wrong with the "
         "signatures: only that dnsprobe could not tell.",
         FROM(NONE)},
    [DP_CAUSE_DNSSEC_KEYS_DIFFER] =
        {"dnssec-keys-differ", "The zone's servers serve different DNSKEY sets",
         "the zone's servers disagree on its DNSKEY set",
         "The servers of the zone do not serve the same DNSKEY RRset. A "
         "validator takes the keys from one server and the signatures from "
         "another: where a server signs with a key another server's set "
         "lacks, the zone validates for some queries and fails for others "
         "(critical); where the sets differ only in keys that sign nothing, "
         "nothing fails yet (warning).",
         "A secondary that stopped transferring from the signer and serves "
         "an old key set, two signers that do not publish each other's "
         "keys (multi-signer without RFC 8901's key exchange), one server "
         "serving the zone unsigned among signed ones, or a rollover caught "
         "while it spreads.",
         "Serve the signer's zone from every server: check that each "
         "secondary transfers from the signer (compare the SOA serials); "
         "with several signers, publish every signer's keys in every "
         "DNSKEY set (RFC 8901).",
         "Unlike dnssec-key-mismatch, each server may be right on its own: "
         "the servers disagree with each other.",
         OWN(fix_dnssec_keysets)},
    [DP_CAUSE_DNSSEC_DS_MISMATCH] =
        {"dnssec-ds-mismatch", "The parent's DS matches no key of the zone",
         "the DS at the parent matches no key that signs the zone's DNSKEY "
         "set",
         "No DS record the parent publishes for the zone matches a DNSKEY "
         "that signs the zone's DNSKEY set (RFC 4035 5.2) on some or all of "
         "its servers: the chain of trust is broken there, and validating "
         "resolvers answer SERVFAIL for the whole zone.",
         "A key-signing key rolled without changing the DS at the "
         "registrar, a DS submitted for a key never published, a zone "
         "moved to a provider that signs with its own keys, or one server "
         "serving other keys.",
         "Publish at the parent, through the registrar, a DS of a "
         "key-signing key the zone serves (or publish again the key the DS "
         "names), and remove a stale DS only once the new one has been "
         "published for its TTL.",
         "Unlike dnssec-insecure, the parent vouches for a key that is not "
         "there, so validation fails instead of being skipped.",
         OWN(fix_dnssec_ds)},
    [DP_CAUSE_DNSSEC_INSECURE] =
        {"dnssec-insecure", "Signed, but the parent has no DS",
         "the zone is signed, but its parent publishes no DS for it",
         "The zone is signed, but its parent publishes no DS for it (an "
         "insecure delegation, RFC 4035 5.2): validators treat the zone as "
         "unsigned, so its signatures protect no one.",
         "A newly signed zone whose DS was never submitted to the "
         "registrar, a DS removed when the domain moved, or a zone signed "
         "to try DNSSEC out.",
         "Submit a DS of the zone's key-signing key to the registrar, or "
         "publish CDS and CDNSKEY records where the parent reads them (RFC "
         "8078).",
         "Unlike dnssec-ds-mismatch, nothing fails: the zone is only not "
         "protected.",
         OWN(fix_dnssec_ds)},
    [DP_CAUSE_CASE_NOT_PRESERVED] =
        {"case-not-preserved",
         "Questions not echoed in their own case (DNS 0x20)",
         "a reply carries the question in another case than it was asked",
         "Asked for the zone's SOA with the name in a mix of cases, and at "
         "the same moment in the opposite case, the server answered at "
         "least one of them with the question spelt otherwise: lowercased, "
         "rewritten, or the other query's. RFC 1035 4.1.2 has a response "
         "copy the question; resolvers that randomise the case of their "
         "questions (DNS 0x20) compare it byte for byte and drop such "
         "answers, so resolution through them slows down or fails.",
         "A forwarder that folds queries in flight by question, whatever "
         "its case, and sends every client the first one's reply (dnsmasq "
         "in front of an authoritative server); a load balancer or a "
         "firewall with DNS inspection that rewrites the question; an old "
         "server that lowercases names.",
         "Make whatever answers return each question exactly as asked: "
         "take the folding forwarder out of the path to the authoritative "
         "servers, or upgrade the software that rewrites the question.",
         "Unlike unexpected, the question is the right one, only spelt in "
         "another case; unlike malformed, the reply reads fine.",
         FROM(CASE_NOT_PRESERVED)},
    [DP_CAUSE_NO_DELEGATION] =
        {"no-delegation", "The parent does not delegate the zone",
         "the parent zone's servers have no delegation for the zone",
         "Asked for the zone's NS records without recursion, the servers of "
         "the parent zone answered without a referral (NXDOMAIN, or no NS "
         "for the zone): the parent does not delegate it. Resolvers that "
         "start from the root cannot find the zone's servers at all.",
         "A delegation never registered, expired or removed at the "
         "registrar; a zone name misspelt; a parent zone that was reloaded "
         "without the delegation.",
         "Register the delegation at the registrar (or add the NS records, "
         "and glue for names inside the zone, to the parent zone), then "
         "ask the parent's servers again.",
         "Unlike ns-mismatch, there is no delegation to compare; unlike "
         "lame, the zone's own servers may serve it well.",
         FROM(NONE)},
    [DP_CAUSE_NS_MISMATCH] =
        {"ns-mismatch", "The parent's NS set differs from the zone's",
         "the NS records at the parent and in the zone differ",
         "The NS set the parent's servers hand out in the referral is not "
         "the one the zone's own servers answer (RFC 1034 4.2.2: the NS "
         "and glue records on both sides of a cut should be consistent). "
         "Resolvers use the parent's set to find the "
         "zone and may then replace it with the zone's: a server only at "
         "the parent still gets queries, one only in the zone gets fewer.",
         "A server added to or removed from the zone but not at the "
         "registrar (or the other way round), a renumbering half done, or "
         "a stale delegation after a change of DNS provider.",
         "Make both sets the same: change the NS records at the registrar "
         "(the parent's copy), or the zone's own NS records, so that every "
         "server of the zone is listed in both.",
         "Unlike glue-mismatch, the names differ, not their addresses; "
         "unlike lame, every server listed may still serve the zone.",
         OWN(fix_zone_ns)},
    [DP_CAUSE_GLUE_MISMATCH] =
        {"glue-mismatch", "The parent's glue addresses differ from the zone's",
         "the glue at the parent and the zone's own addresses differ",
         "For a name server whose name is inside the zone, the parent hands "
         "out glue (its A or AAAA records) with the referral. Here the glue "
         "addresses differ from the addresses the zone's own servers give "
         "for the same name: resolvers that follow the glue go to another "
         "host than the zone says.",
         "A name server renumbered in the zone but not at the registrar, or "
         "glue (a host object) left at the registrar after a move.",
         "Update the glue (the host object's addresses) at the registrar to "
         "the name server's current addresses, or the zone's A and AAAA "
         "records when those are the stale ones.",
         "Unlike glue-missing, there is glue, but it is wrong; unlike "
         "ns-mismatch, the names agree.",
         FROM(NONE)},
    [DP_CAUSE_GLUE_MISSING] =
        {"glue-missing", "A name server inside the zone has no glue",
         "the parent gives no glue for a name server inside the zone",
         "A name server's name is inside the zone it serves (in bailiwick), "
         "and the parent's referral carries no address for it: to find "
         "that address a resolver would have to ask the zone's own "
         "servers, which it is trying to find. Without glue that server "
         "cannot be reached at all (RFC 1034 4.2.1).",
         "A host object never created at the registrar for a new server, "
         "or its addresses deleted.",
         "Create the glue at the registrar: a host object for the name "
         "server's name with its IPv4 and IPv6 addresses.",
         "Unlike glue-mismatch, there is no address at all; unlike "
         "ns-unresolved, the zone itself has the address.",
         FROM(NONE)},
    [DP_CAUSE_NS_UNRESOLVED] =
        {"ns-unresolved", "A name server's name has no address",
         "a name server's name does not resolve to an address",
         "The zone's NS set names a server whose name has no A or AAAA "
         "record that the resolver could find: no resolver can reach it, "
         "so it is as useless as a silent server, and resolvers waste time "
         "trying.",
         "A misspelt NS record, a server's name deleted or moved to another "
         "zone, or a name in a zone that itself does not resolve.",
         "Give the name its A and AAAA records, or correct or remove the NS "
         "record, in the zone and at the registrar.",
         "Unlike glue-missing, the name does not resolve from anywhere; "
         "unlike lame, no server could even be asked.",
         FROM(NONE)},
    [DP_CAUSE_NS_CNAME] =
        {"ns-cname", "A name server's name is an alias (CNAME)",
         "a name server's name is a CNAME",
         "An NS record names an alias (a CNAME) instead of a host name. RFC "
         "2181 10.3 forbids it: some resolvers do not follow the alias, "
         "and no glue can be given for it.",
         "A name server renamed with an alias left behind, or a hosting "
         "provider's name used through a CNAME.",
         "Name the server's canonical host name (the CNAME's target) in the "
         "NS records, in the zone and at the registrar.",
         "Unlike ns-unresolved, the name resolves, but only through an "
         "alias.",
         OWN(fix_zone_ns)},
    [DP_CAUSE_NS_TOO_FEW] =
        {"ns-too-few", "Fewer than two name servers",
         "the zone has fewer than two name servers",
         "The zone has one name server, or several names for one address: "
         "when it is down, the zone is gone. RFC 1034 4.1 asks for at "
         "least two servers, and RFC 2182 5 explains why a zone wants "
         "more.",
         "A zone set up with one server, or a second server's name that "
         "points to the first's address.",
         "Add at least one more name server, on another host and network, "
         "to the zone's NS records and at the registrar.",
         "Unlike ns-one-network, there is a single server, not several in "
         "one place.",
         OWN(fix_zone_ns)},
    [DP_CAUSE_NS_ONE_NETWORK] =
        {"ns-one-network", "Every name server is in one network",
         "every name server of the zone is in one network",
         "All IPv4 addresses of the zone's name servers are in one /24 and "
         "all IPv6 addresses in one /48: one outage of that network, its "
         "router or its upstream takes the whole zone down (RFC 2182 3.1 "
         "asks for servers in different networks).",
         "Every server of the zone in one data centre or one hosting "
         "network.",
         "Add a name server in another network (another provider, or a "
         "secondary DNS service) to the zone's NS records and at the "
         "registrar.",
         "Unlike ns-too-few, there are several servers, but in one place.",
         OWN(fix_zone_ns)},
    [DP_CAUSE_SERIAL_MISMATCH] =
        {"serial-mismatch", "The zone's servers disagree on the serial",
         "the zone's servers answer different SOA serials",
         "The servers of the zone answer different SOA serials: some of "
         "them serve an older copy of the zone, so answers depend on which "
         "server a resolver asks.",
         "A secondary that does not get NOTIFY or cannot transfer from the "
         "primary (an access list, TSIG, a firewall), a transfer in "
         "progress, or servers fed separately.",
         "Check the secondaries' logs for failed transfers, that the "
         "primary notifies them and allows their transfers; on a zone that "
         "just changed, look again after the SOA refresh time.",
         "Unlike lame, every server serves the zone, some an older copy.",
         FROM(NONE)},
    [DP_CAUSE_SOA_TIMERS] =
        {"soa-timers", "SOA timers outside the usual ranges",
         "the zone's SOA timers are outside the usual ranges",
         "The SOA's refresh, retry, expire or negative TTL is outside the "
         "ranges RFC 1912 2.2, RFC 2308 5 and RIPE-203 recommend: refresh "
         "1200 to 86400 s, retry at least 300 s and less than refresh, "
         "expire 604800 to 3600000 s and more than refresh plus retry, "
         "negative TTL (minimum) 300 to 86400 s. A retry not below refresh "
         "or an expire that does not outlast them lets secondaries drop "
         "the zone during a short outage of the primary (a warning); the "
         "rest is only unusual (info).",
         "SOA values copied from an old template, typed in the wrong unit, "
         "or left at a tool's default.",
         "Set the SOA's timers inside the ranges, raise the serial, and "
         "reload the zone.",
         "Unlike serial-mismatch, the servers may well agree: the values "
         "themselves are off.",
         OWN(fix_zone_soa)},
    [DP_CAUSE_SOA_NAMES] =
        {"soa-names", "The SOA's MNAME or RNAME is not sane",
         "the zone's SOA names are not a host name and a mailbox",
         "The SOA's MNAME should be the host name of the zone's primary "
         "server (letters, digits and hyphens, RFC 1123 2.1), and its "
         "RNAME the contact's mailbox written as a name, the first label "
         "the local part (RFC 1035 3.3.13, 8: hostmaster@example.com is "
         "hostmaster.example.com.). Tools that send NOTIFY or dynamic "
         "updates to the MNAME, and people who look for the contact, fail "
         "otherwise.",
         "An '@' typed into the RNAME, a missing trailing dot that appends "
         "the zone's name, or a placeholder left in a template.",
         "Put the primary's host name in the MNAME and the contact's "
         "mailbox, with its '@' as a dot, in the RNAME; raise the serial "
         "and reload.",
         "Unlike soa-timers, the names are off, not the numbers.",
         OWN(fix_zone_soa)},
};

_Static_assert(sizeof(causes) / sizeof(causes[0]) == DP_CAUSE_COUNT,
               "a row for every cause");

const struct dp_knowledge_cause *dp_knowledge_cause_get(dp_cause_t c)
{
  if ((unsigned)c >= DP_CAUSE_COUNT || c == DP_CAUSE_NONE)
    return NULL;
  return &causes[c];
}

const char *dp_cause_tostr(dp_cause_t c)
{
  return (unsigned)c < DP_CAUSE_COUNT ? causes[c].key : "unknown";
}

dp_status_t dp_cause_fromstr(const char *text, dp_cause_t *c)
{
  if (text == NULL || c == NULL)
    return DP_EINVAL;
  for (unsigned i = 1; i < DP_CAUSE_COUNT; i++)
    if (strcmp(causes[i].key, text) == 0)
    {
      *c = (dp_cause_t)i;
      return DP_OK;
    }
  return DP_EINVAL;
}

const char *dp_knowledge_cause_words(dp_cause_t c)
{
  return (unsigned)c < DP_CAUSE_COUNT ? causes[c].words : NULL;
}

const struct dp_knowledge_fix *
dp_knowledge_cause_fixes(const struct dp_knowledge_cause *c)
{
  if (c == NULL)
    return NULL;
  if (c->fixes != NULL)
    return c->fixes;
  const struct dp_knowledge_situation *s =
      dp_knowledge_situation_get(c->fixes_from);
  return s != NULL ? s->fixes : NULL;
}

const struct dp_knowledge_fix *
dp_knowledge_cause_fix(const struct dp_knowledge_cause *c, dp_software_t sw)
{
  const struct dp_knowledge_fix *f = dp_knowledge_cause_fixes(c);
  if (f == NULL || sw == DP_SOFTWARE_UNKNOWN)
    return NULL;
  for (; f->snippet != NULL; f++)
    if (f->software == sw)
      return f;
  return NULL;
}
