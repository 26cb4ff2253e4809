/*
 * situations.c: the catalogue of situations dnsprobe diagnoses, each with
 * what it means in that context, a general fix, and a fix per server
 * software in that software's own configuration language.
 *
 * Snippets use documentation addresses only (RFC 5737, RFC 3849):
 *   192.0.2.0/24   clients that should be served
 *   192.0.2.1      the zone's primary server
 *   192.0.2.53     a legitimate secondary
 *   192.0.2.10     a legitimate dynamic-update client
 *   198.51.100.1-2 upstream forwarders
 *   203.0.113.53, 2001:db8::53  the server's own listening addresses
 * and the zone example.com. A fix whose setting is NULL says in plain words
 * that the software cannot do it, and what to do instead.
 *
 * Invariants: keys are unique and stable (reports and JSON use them); every
 * situation lists a fix for every dp_software_t except UNKNOWN, in enum
 * order, and its fixes array ends with a row whose snippet is NULL.
 */
#include <string.h>

#include "dnsprobe/knowledge.h"

#define END                                                                    \
  {                                                                            \
    DP_SOFTWARE_UNKNOWN, NULL, NULL                                            \
  }

/* zone-root-default: which zones to pass to --zone. */
static const struct dp_knowledge_fix fix_zone_root[] = {
    {DP_SOFTWARE_BIND, "named-checkconf -l",
     "named-checkconf -l /etc/bind/named.conf   # lists every configured "
     "zone\n"
     "dnsprobe --zone example.com 203.0.113.53"},
    {DP_SOFTWARE_UNBOUND, "auth-zone",
     "unbound-control list_auth_zones   # zones Unbound serves itself\n"
     "# a pure resolver has none: test it with --recursion-name instead"},
    {DP_SOFTWARE_KNOT, "zone",
     "knotc conf-read zone.domain   # lists every configured zone\n"
     "dnsprobe --zone example.com 203.0.113.53"},
    {DP_SOFTWARE_NSD, "zone",
     "nsd-control zonestatus   # lists every served zone and its state\n"
     "dnsprobe --zone example.com 203.0.113.53"},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil list-all-zones",
     "pdnsutil list-all-zones   # zones in every configured backend\n"
     "dnsprobe --zone example.com 203.0.113.53"},
    {DP_SOFTWARE_PDNS_RECURSOR, "auth-zones",
     "# PowerDNS Recursor serves no zones of its own except those listed in\n"
     "# auth-zones; test it as a resolver with --recursion-name, or pass one\n"
     "# of these to --zone:\n"
     "auth-zones=example.com=/etc/powerdns/example.com.zone"},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver serves no authoritative zones, so there is no zone to "
     "test: run dnsprobe against it with --recursion-name to test it as a "
     "resolver."},
    {DP_SOFTWARE_DNSMASQ, "auth-zone",
     "# dnsmasq is authoritative only for zones named in auth-zone; without\n"
     "# one it is a forwarder, so test it with --recursion-name instead.\n"
     "auth-zone=example.com"},
    {DP_SOFTWARE_COREDNS, "server block",
     "# every server block that serves data (file, secondary, auto) names a\n"
     "# zone you can pass to --zone, here example.com:\n"
     "example.com {\n"
     "    file /etc/coredns/db.example.com\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Get-DnsServerZone",
     "Get-DnsServerZone | Select-Object ZoneName, ZoneType, "
     "IsReverseLookupZone"},
    END,
};

/* version-disclosed: stop answering version.bind with the real version. */
static const struct dp_knowledge_fix fix_version[] = {
    {DP_SOFTWARE_BIND, "version",
     "options {\n"
     "    version none;      // refuse version.bind and version.server\n"
     "    hostname none;     // and hostname.bind\n"
     "    server-id none;    // and id.server\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "hide-version",
     "server:\n"
     "    hide-version: yes\n"
     "    hide-identity: yes"},
    {DP_SOFTWARE_KNOT, "server.version",
     "server:\n"
     "    version: \"\"      # an empty value disables the answer\n"
     "    identity: \"\""},
    {DP_SOFTWARE_NSD, "hide-version",
     "server:\n"
     "    hide-version: yes\n"
     "    hide-identity: yes"},
    {DP_SOFTWARE_PDNS_AUTH, "version-string", "version-string=anonymous"},
    {DP_SOFTWARE_PDNS_RECURSOR, "version-string",
     "# the text answered to version.bind; the default is the real version\n"
     "version-string=not disclosed"},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver has no built-in answer for version.bind; if one comes "
     "back, a policy rule or a module adds it: remove that rule."},
    {DP_SOFTWARE_DNSMASQ, "no-ident",
     "# do not answer CHAOS TXT queries in the bind domain\n"
     "no-ident"},
    {DP_SOFTWARE_COREDNS, "chaos",
     "# the chaos plugin answers version.bind: remove it from the server\n"
     "# block, or give it a neutral text\n"
     ". {\n"
     "    chaos \"not disclosed\"\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "EnableVersionQuery",
     "dnscmd /Config /EnableVersionQuery 0"},
    END,
};

/* zone-lame: serve the zone here (or drop this server from the NS set). */
static const struct dp_knowledge_fix fix_zone_lame[] = {
    {DP_SOFTWARE_BIND, "zone",
     "zone \"example.com\" {\n"
     "    type primary;\n"
     "    file \"/etc/bind/db.example.com\";\n"
     "    allow-query { any; };   // check no allow-query shuts clients out\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "auth-zone",
     "# Unbound is a resolver; to answer for the zone it can load a copy:\n"
     "auth-zone:\n"
     "    name: \"example.com\"\n"
     "    primary: 192.0.2.1\n"
     "    for-downstream: yes\n"
     "    for-upstream: yes"},
    {DP_SOFTWARE_KNOT, "zone",
     "zone:\n"
     "  - domain: example.com\n"
     "    file: /var/lib/knot/example.com.zone"},
    {DP_SOFTWARE_NSD, "zone",
     "zone:\n"
     "    name: \"example.com\"\n"
     "    zonefile: \"/etc/nsd/example.com.zone\""},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil create-zone",
     "pdnsutil create-zone example.com ns1.example.com\n"
     "pdnsutil list-all-zones   # the zone must be listed here"},
    {DP_SOFTWARE_PDNS_RECURSOR, "auth-zones",
     "# a resolver is never authoritative; to answer for a local zone from a\n"
     "# file, list it here (otherwise remove this server from the NS set):\n"
     "auth-zones=example.com=/etc/powerdns/example.com.zone"},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver cannot serve a zone authoritatively. Remove it from the "
     "zone's NS records and delegate to an authoritative server such as Knot "
     "DNS; internal clients can still reach the zone through "
     "policy.add(policy.suffix(policy.STUB({'192.0.2.1'}), "
     "{todname('example.com')}))."},
    {DP_SOFTWARE_DNSMASQ, "auth-zone",
     "# answer authoritatively for the zone on this address, from dnsmasq's\n"
     "# own data (host-record, address, DHCP leases):\n"
     "auth-server=ns1.example.com,203.0.113.53\n"
     "auth-zone=example.com"},
    {DP_SOFTWARE_COREDNS, "file",
     "example.com {\n"
     "    file /etc/coredns/db.example.com\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Add-DnsServerPrimaryZone",
     "Add-DnsServerPrimaryZone -Name \"example.com\" -ZoneFile "
     "\"example.com.dns\"\n"
     "# or, as a secondary of the primary:\n"
     "Add-DnsServerSecondaryZone -Name \"example.com\" -ZoneFile "
     "\"example.com.dns\" -MasterServers 192.0.2.1"},
    END,
};

/* zone-servfail: find why the zone did not load or expired. */
static const struct dp_knowledge_fix fix_zone_servfail[] = {
    {DP_SOFTWARE_BIND, "rndc zonestatus",
     "named-checkzone example.com /etc/bind/db.example.com\n"
     "rndc zonestatus example.com    # loaded? serial? expires?\n"
     "rndc retransfer example.com    # on a secondary, once the primary "
     "answers"},
    {DP_SOFTWARE_UNBOUND, "auth-zone",
     "# an auth-zone that failed to load or transfer answers SERVFAIL;\n"
     "# with fallback-enabled Unbound resolves the names normally meanwhile\n"
     "auth-zone:\n"
     "    name: \"example.com\"\n"
     "    primary: 192.0.2.1\n"
     "    fallback-enabled: yes"},
    {DP_SOFTWARE_KNOT, "knotc zone-status",
     "kzonecheck -o example.com /var/lib/knot/example.com.zone\n"
     "knotc zone-status example.com       # serial, refresh and expire "
     "timers\n"
     "knotc zone-retransfer example.com   # on a secondary"},
    {DP_SOFTWARE_NSD, "nsd-control zonestatus",
     "nsd-checkzone example.com /etc/nsd/example.com.zone\n"
     "nsd-control zonestatus example.com    # 'expired' on a secondary\n"
     "nsd-control force_transfer example.com"},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil check-zone",
     "pdnsutil check-zone example.com\n"
     "pdns_control retrieve example.com   # on a secondary: fetch it now"},
    {DP_SOFTWARE_PDNS_RECURSOR, "auth-zones",
     "# the Recursor only serves zone files listed in auth-zones; the log\n"
     "# names any that failed to load. Any other SERVFAIL is a failed\n"
     "# resolution (see recursion-failing).\n"
     "auth-zones=example.com=/etc/powerdns/example.com.zone"},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver serves no authoritative zones: a SERVFAIL from it is a "
     "failed resolution, not a broken zone file (see recursion-dnssec and "
     "recursion-upstream)."},
    {DP_SOFTWARE_DNSMASQ, "auth-zone",
     "# dnsmasq builds an auth-zone from its own records; check the\n"
     "# configuration parses, and that the zone's names are defined:\n"
     "# dnsmasq --test\n"
     "auth-zone=example.com\n"
     "host-record=www.example.com,203.0.113.80"},
    {DP_SOFTWARE_COREDNS, "file",
     "# CoreDNS logs 'plugin/file' errors when a zone file does not parse;\n"
     "# fix the file; the file plugin reloads it when the SOA serial grows\n"
     "example.com {\n"
     "    file /etc/coredns/db.example.com {\n"
     "        reload 30s\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Get-DnsServerZone",
     "Get-DnsServerZone -Name \"example.com\" | Format-List   # IsPaused, "
     "IsShutdown\n"
     "Resume-DnsServerZone -Name \"example.com\"\n"
     "Start-DnsServerZoneTransfer -Name \"example.com\" -FullTransfer   # "
     "secondary"},
    END,
};

/* zone-not-authoritative: the answer came from a cache or a referral. */
static const struct dp_knowledge_fix fix_zone_noaa[] = {
    {DP_SOFTWARE_BIND, "zone",
     "// the zone must be configured here, or BIND answers from its cache\n"
     "zone \"example.com\" {\n"
     "    type secondary;\n"
     "    primaries { 192.0.2.1; };\n"
     "    file \"/var/cache/bind/db.example.com\";\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "auth-zone",
     "# Unbound answers from its cache (no AA) unless it holds the zone:\n"
     "auth-zone:\n"
     "    name: \"example.com\"\n"
     "    primary: 192.0.2.1\n"
     "    for-downstream: yes"},
    {DP_SOFTWARE_KNOT, "zone",
     "# Knot DNS never answers without AA for its own zones: a referral\n"
     "# means the name is delegated to a child zone, or the zone is missing\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    file: /var/lib/knot/example.com.zone"},
    {DP_SOFTWARE_NSD, "zone",
     "# NSD gives referrals for delegated names and parents' data; add the\n"
     "# zone itself if this server should be authoritative for it\n"
     "zone:\n"
     "    name: \"example.com\"\n"
     "    zonefile: \"/etc/nsd/example.com.zone\""},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil create-zone",
     "pdnsutil list-all-zones              # is example.com in a backend?\n"
     "pdnsutil create-zone example.com ns1.example.com"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor is not authoritative for any zone: answers without AA "
     "are what a resolver should send. Test the zone on its authoritative "
     "servers instead."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver is not authoritative for any zone: answers without AA "
     "are what a resolver should send. Test the zone on its authoritative "
     "servers instead."},
    {DP_SOFTWARE_DNSMASQ, "auth-zone",
     "# without auth-zone dnsmasq forwards and caches (no AA); to answer\n"
     "# authoritatively from its own data:\n"
     "auth-server=ns1.example.com,203.0.113.53\n"
     "auth-zone=example.com"},
    {DP_SOFTWARE_COREDNS, "file",
     "# a block that only forwards answers without AA; serve the zone:\n"
     "example.com {\n"
     "    file /etc/coredns/db.example.com\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Add-DnsServerSecondaryZone",
     "Get-DnsServerZone -Name \"example.com\"   # missing: answers come from "
     "cache\n"
     "Add-DnsServerSecondaryZone -Name \"example.com\" -ZoneFile "
     "\"example.com.dns\" -MasterServers 192.0.2.1"},
    END,
};

/* zone-unexpected: find out what the server serves and who answered. */
static const struct dp_knowledge_fix fix_zone_odd[] = {
    {DP_SOFTWARE_BIND, "rndc zonestatus",
     "rndc zonestatus example.com\n"
     "named-checkconf -z /etc/bind/named.conf   # loads every zone, shows "
     "errors"},
    {DP_SOFTWARE_UNBOUND, "local-zone",
     "# a local-zone overrides real data (e.g. 'static' gives NXDOMAIN);\n"
     "# list them with: unbound-control list_local_zones\n"
     "server:\n"
     "    local-zone: \"example.com.\" transparent"},
    {DP_SOFTWARE_KNOT, "knotc zone-status",
     "knotc zone-status example.com\n"
     "knotc zone-read example.com @ SOA   # what the server really holds"},
    {DP_SOFTWARE_NSD, "nsd-control zonestatus",
     "nsd-control zonestatus example.com\n"
     "nsd-checkconf -z example.com /etc/nsd/nsd.conf   # the zone's options"},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil check-zone",
     "pdnsutil check-zone example.com\n"
     "pdnsutil list-zone example.com   # the records PowerDNS serves"},
    {DP_SOFTWARE_PDNS_RECURSOR, "rec_control trace-regex",
     "rec_control trace-regex '^example\\.com\\.$'   # logs the resolution "
     "steps\n"
     "rec_control wipe-cache example.com"},
    {DP_SOFTWARE_KNOT_RESOLVER, "policy",
     "-- a policy rule may rewrite or block the name; list them in the\n"
     "-- control socket with: policy.rules\n"
     "log_level('debug')"},
    {DP_SOFTWARE_DNSMASQ, "log-queries",
     "# address=/example.com/... or a hosts file can override real data;\n"
     "# log what dnsmasq does with each query:\n"
     "log-queries=extra"},
    {DP_SOFTWARE_COREDNS, "log",
     "example.com {\n"
     "    log\n"
     "    errors\n"
     "    file /etc/coredns/db.example.com\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Get-DnsServerZone",
     "Get-DnsServerZone -Name \"example.com\"\n"
     "Get-DnsServerQueryResolutionPolicy -ZoneName \"example.com\"   # "
     "policies that change answers"},
    END,
};

/* tcp-unavailable: listen on and allow TCP/53. */
static const struct dp_knowledge_fix fix_tcp[] = {
    {DP_SOFTWARE_BIND, "tcp-clients",
     "// named answers TCP on every listen-on address; also open TCP/53 in\n"
     "// the firewall\n"
     "options {\n"
     "    listen-on { 203.0.113.53; };\n"
     "    tcp-clients 150;\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "do-tcp",
     "server:\n"
     "    do-tcp: yes\n"
     "    incoming-num-tcp: 100"},
    {DP_SOFTWARE_KNOT, "listen",
     "# Knot DNS serves UDP and TCP on every listen address\n"
     "server:\n"
     "  listen: [ 203.0.113.53@53, 2001:db8::53@53 ]\n"
     "  tcp-workers: 10"},
    {DP_SOFTWARE_NSD, "tcp-count",
     "server:\n"
     "    ip-address: 203.0.113.53\n"
     "    tcp-count: 100"},
    {DP_SOFTWARE_PDNS_AUTH, "max-tcp-connections",
     "local-address=203.0.113.53\n"
     "max-tcp-connections=100"},
    {DP_SOFTWARE_PDNS_RECURSOR, "max-tcp-clients",
     "local-address=203.0.113.53\n"
     "max-tcp-clients=128"},
    {DP_SOFTWARE_KNOT_RESOLVER, "net.listen",
     "-- kind 'dns' opens both UDP and TCP on the address\n"
     "net.listen('203.0.113.53', 53, { kind = 'dns' })"},
    {DP_SOFTWARE_DNSMASQ, "listen-address",
     "# dnsmasq answers TCP on the same addresses as UDP; check the firewall\n"
     "listen-address=203.0.113.53"},
    {DP_SOFTWARE_COREDNS, "bind",
     "# CoreDNS serves plain DNS over UDP and TCP on each bound address\n"
     "example.com {\n"
     "    bind 203.0.113.53\n"
     "    file /etc/coredns/db.example.com\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "New-NetFirewallRule",
     "New-NetFirewallRule -DisplayName \"DNS over TCP\" -Direction Inbound "
     "-Protocol TCP -LocalPort 53 -Action Allow"},
    END,
};

/* unreachable: is it running, and where does it listen? */
static const struct dp_knowledge_fix fix_unreachable[] = {
    {DP_SOFTWARE_BIND, "listen-on",
     "// rndc status shows whether named runs; it must listen on the\n"
     "// address and port you probe\n"
     "options {\n"
     "    listen-on port 53 { 203.0.113.53; };\n"
     "    listen-on-v6 port 53 { 2001:db8::53; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "interface",
     "# unbound-control status shows whether it runs\n"
     "server:\n"
     "    interface: 203.0.113.53\n"
     "    interface: 2001:db8::53\n"
     "    port: 53"},
    {DP_SOFTWARE_KNOT, "listen",
     "# knotc status shows whether knotd runs\n"
     "server:\n"
     "  listen: [ 203.0.113.53@53, 2001:db8::53@53 ]"},
    {DP_SOFTWARE_NSD, "ip-address",
     "# nsd-control status shows whether nsd runs\n"
     "server:\n"
     "    ip-address: 203.0.113.53\n"
     "    ip-address: 2001:db8::53\n"
     "    port: 53"},
    {DP_SOFTWARE_PDNS_AUTH, "local-address",
     "# pdns_control rping shows whether pdns_server runs\n"
     "local-address=203.0.113.53, 2001:db8::53\n"
     "local-port=53"},
    {DP_SOFTWARE_PDNS_RECURSOR, "local-address",
     "# rec_control ping shows whether pdns_recursor runs\n"
     "local-address=203.0.113.53, 2001:db8::53\n"
     "local-port=53"},
    {DP_SOFTWARE_KNOT_RESOLVER, "net.listen",
     "-- systemctl status kresd@1 shows whether it runs\n"
     "net.listen('203.0.113.53', 53, { kind = 'dns' })\n"
     "net.listen('2001:db8::53', 53, { kind = 'dns' })"},
    {DP_SOFTWARE_DNSMASQ, "listen-address",
     "listen-address=203.0.113.53\n"
     "port=53\n"
     "bind-interfaces"},
    {DP_SOFTWARE_COREDNS, "bind",
     ".:53 {\n"
     "    bind 203.0.113.53 2001:db8::53\n"
     "    whoami\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Get-Service DNS",
     "Get-Service -Name DNS; Start-Service -Name DNS\n"
     "(Get-DnsServerSetting -All).ListeningIPAddress   # addresses it serves"},
    END,
};

/* recursion-open: stop recursing for the world. */
static const struct dp_knowledge_fix fix_rec_open[] = {
    {DP_SOFTWARE_BIND, "recursion / allow-recursion",
     "options {\n"
     "    recursion no;    // an authoritative server needs no recursion\n"
     "    // or keep it for your own clients only:\n"
     "    // recursion yes;\n"
     "    // allow-recursion { 192.0.2.0/24; localhost; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "access-control",
     "server:\n"
     "    access-control: 0.0.0.0/0 refuse\n"
     "    access-control: ::0/0 refuse\n"
     "    access-control: 192.0.2.0/24 allow"},
    {DP_SOFTWARE_KNOT, NULL,
     "Knot DNS cannot recurse. An answer with RA=1 at this address comes "
     "from something else: a resolver or DNS proxy in front of it, or another "
     "process bound to the same address."},
    {DP_SOFTWARE_NSD, NULL,
     "NSD cannot recurse. An answer with RA=1 at this address comes from "
     "something else: a resolver or DNS proxy in front of it, or another "
     "process bound to the same address."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server does not recurse (its old recursor "
     "setting was removed in 4.1). The recursion comes from a dnsdist or "
     "PowerDNS Recursor in front of it: restrict that one."},
    {DP_SOFTWARE_PDNS_RECURSOR, "allow-from",
     "# only these clients may use the resolver; others are dropped\n"
     "allow-from=127.0.0.0/8, ::1/128, 192.0.2.0/24"},
    {DP_SOFTWARE_KNOT_RESOLVER, "view:addr",
     "modules.load('view')\n"
     "view:addr('192.0.2.0/24', policy.all(policy.PASS))\n"
     "view:addr('0.0.0.0/0', policy.all(policy.REFUSE))\n"
     "view:addr('::/0', policy.all(policy.REFUSE))"},
    {DP_SOFTWARE_DNSMASQ, "local-service",
     "# serve recursion only to hosts on directly attached networks\n"
     "local-service\n"
     "# or answer nothing but authoritative data on the public address:\n"
     "# auth-server=ns1.example.com,203.0.113.53"},
    {DP_SOFTWARE_COREDNS, "acl",
     "# CoreDNS recurses only through forward; limit who may use it\n"
     ". {\n"
     "    acl {\n"
     "        allow net 192.0.2.0/24\n"
     "        block\n"
     "    }\n"
     "    forward . 198.51.100.1\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerRecursion",
     "Set-DnsServerRecursion -Enable $false"},
    END,
};

/* recursion-refused: let the right clients recurse. */
static const struct dp_knowledge_fix fix_rec_refused[] = {
    {DP_SOFTWARE_BIND, "allow-recursion",
     "acl \"clients\" { 192.0.2.0/24; localhost; };\n"
     "options {\n"
     "    recursion yes;\n"
     "    allow-recursion { clients; };\n"
     "    allow-query-cache { clients; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "access-control",
     "server:\n"
     "    access-control: 192.0.2.0/24 allow"},
    {DP_SOFTWARE_KNOT, NULL,
     "Knot DNS is authoritative only and never recurses: REFUSED (often with "
     "EDE 20) is its normal answer. Send recursive queries to a resolver such "
     "as Knot Resolver."},
    {DP_SOFTWARE_NSD, NULL,
     "NSD is authoritative only and never recurses: REFUSED is its normal "
     "answer. Send recursive queries to a resolver such as Unbound."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server does not recurse: REFUSED is its normal "
     "answer. Send recursive queries to PowerDNS Recursor or another "
     "resolver."},
    {DP_SOFTWARE_PDNS_RECURSOR, "allow-from",
     "# clients outside allow-from are dropped (no answer) by default\n"
     "allow-from=127.0.0.0/8, ::1/128, 192.0.2.0/24"},
    {DP_SOFTWARE_KNOT_RESOLVER, "view:addr",
     "modules.load('view')\n"
     "view:addr('192.0.2.0/24', policy.all(policy.PASS))"},
    {DP_SOFTWARE_DNSMASQ, "listen-address",
     "# local-service only serves directly attached networks; listen where\n"
     "# the clients are instead\n"
     "listen-address=203.0.113.53"},
    {DP_SOFTWARE_COREDNS, "acl",
     ". {\n"
     "    acl {\n"
     "        allow net 192.0.2.0/24\n"
     "        block\n"
     "    }\n"
     "    forward . 198.51.100.1\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Add-DnsServerQueryResolutionPolicy",
     "Add-DnsServerClientSubnet -Name \"Clients\" -IPv4Subnet "
     "\"192.0.2.0/24\"\n"
     "Add-DnsServerRecursionScope -Name \"ClientsScope\" -EnableRecursion "
     "$true\n"
     "Add-DnsServerQueryResolutionPolicy -Name \"RecurseForClients\" -Action "
     "ALLOW -ApplyOnRecursion -RecursionScope \"ClientsScope\" -ClientSubnet "
     "\"EQ,Clients\""},
    END,
};

/* recursion-inconsistent: REFUSED but RA=1. */
static const struct dp_knowledge_fix fix_rec_inconsistent[] = {
    {DP_SOFTWARE_BIND, "recursion",
     "// if no client needs recursion, turn it off so RA is never set\n"
     "options {\n"
     "    recursion no;\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "access-control",
     "# 'refuse' answers REFUSED with RA=1; 'deny' drops the query instead\n"
     "server:\n"
     "    access-control: 0.0.0.0/0 deny\n"
     "    access-control: ::0/0 deny\n"
     "    access-control: 192.0.2.0/24 allow"},
    {DP_SOFTWARE_KNOT, NULL,
     "Knot DNS never sets RA. REFUSED with RA=1 at this address comes from "
     "something in front of it, such as a DNS proxy or load balancer."},
    {DP_SOFTWARE_NSD, NULL,
     "NSD never sets RA. REFUSED with RA=1 at this address comes from "
     "something in front of it, such as a DNS proxy or load balancer."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server does not recurse, so RA=1 comes from "
     "something in front of it (dnsdist, a proxy): fix it there."},
    {DP_SOFTWARE_PDNS_RECURSOR, "allow-from",
     "# clients outside allow-from are dropped, so REFUSED with RA=1 comes\n"
     "# from a Lua policy (preresolve) or a proxy; keep the ACL here:\n"
     "allow-from=127.0.0.0/8, ::1/128, 192.0.2.0/24"},
    {DP_SOFTWARE_KNOT_RESOLVER, "view:addr",
     "-- policy.REFUSE answers with RA=1; DROP sends nothing at all\n"
     "modules.load('view')\n"
     "view:addr('192.0.2.0/24', policy.all(policy.PASS))\n"
     "view:addr('0.0.0.0/0', policy.all(policy.DROP))"},
    {DP_SOFTWARE_DNSMASQ, "local-service",
     "# dnsmasq sets RA as a forwarder; limit who can reach it at all\n"
     "local-service"},
    {DP_SOFTWARE_COREDNS, "acl",
     "# 'block' answers REFUSED; 'drop' sends nothing\n"
     ". {\n"
     "    acl {\n"
     "        allow net 192.0.2.0/24\n"
     "        drop\n"
     "    }\n"
     "    forward . 198.51.100.1\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerRecursion",
     "Set-DnsServerRecursion -Enable $false   # no client needs recursion"},
    END,
};

/* recursion-failing: find out whether DNSSEC or upstream. */
static const struct dp_knowledge_fix fix_rec_failing[] = {
    {DP_SOFTWARE_BIND, "logging",
     "// log why resolution fails (lame servers, DNSSEC, timeouts)\n"
     "logging {\n"
     "    channel resolver_log { file \"/var/log/named/resolver.log\"; "
     "severity info; };\n"
     "    category resolver { resolver_log; };\n"
     "    category dnssec { resolver_log; };\n"
     "    category lame-servers { resolver_log; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "val-log-level",
     "server:\n"
     "    verbosity: 1\n"
     "    val-log-level: 2   # logs why validation failed\n"
     "    ede: yes           # tells clients with an Extended DNS Error"},
    {DP_SOFTWARE_KNOT, NULL,
     "Knot DNS does not resolve, so this SERVFAIL is not its doing: if it is "
     "one of the zone's authoritative servers, make sure it answers the "
     "resolver over UDP and TCP."},
    {DP_SOFTWARE_NSD, NULL,
     "NSD does not resolve, so this SERVFAIL is not its doing: if it is one "
     "of the zone's authoritative servers, make sure it answers the resolver "
     "over UDP and TCP."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server does not resolve; the failing resolver is "
     "another process (often dnsdist with a Recursor behind it)."},
    {DP_SOFTWARE_PDNS_RECURSOR, "extended-resolution-errors",
     "dnssec-log-bogus=yes\n"
     "extended-resolution-errors=yes"},
    {DP_SOFTWARE_KNOT_RESOLVER, "log_level",
     "log_level('info')\n"
     "-- explain one name's resolution in the log:\n"
     "-- modules.load('http') and query /trace/example.com/A"},
    {DP_SOFTWARE_DNSMASQ, "log-queries",
     "log-queries\n"
     "log-facility=/var/log/dnsmasq.log"},
    {DP_SOFTWARE_COREDNS, "errors",
     ". {\n"
     "    errors\n"
     "    log\n"
     "    forward . 198.51.100.1 198.51.100.2\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Test-DnsServer",
     "Get-DnsServerForwarder\n"
     "Test-DnsServer -IPAddress 198.51.100.1 -Context Forwarder"},
    END,
};

/* recursion-dnssec: fix the zone's signatures or the validator. */
static const struct dp_knowledge_fix fix_rec_dnssec[] = {
    {DP_SOFTWARE_BIND, "dnssec-validation / rndc nta",
     "options {\n"
     "    dnssec-validation auto;   // built-in, self-updating root key\n"
     "};\n"
     "// while a zone you do not control stays broken, a temporary negative\n"
     "// trust anchor (RFC 7646): rndc nta -lifetime 1d example.com"},
    {DP_SOFTWARE_UNBOUND, "domain-insecure",
     "server:\n"
     "    auto-trust-anchor-file: \"/var/lib/unbound/root.key\"\n"
     "    # temporary, while the zone's signatures are broken:\n"
     "    domain-insecure: \"example.com\""},
    {DP_SOFTWARE_KNOT, "dnssec-signing",
     "# Knot DNS does not validate; if it serves the zone, let it sign and\n"
     "# re-sign automatically so signatures never expire\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    file: /var/lib/knot/example.com.zone\n"
     "    dnssec-signing: on"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD cannot sign or validate. If it serves the zone, re-sign the "
     "zone file with your signer (dnssec-signzone, ldns-signzone, OpenDNSSEC) "
     "before its signatures expire, then run nsd-control reload example.com; "
     "the parent's DS must match a published DNSKEY."},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil show-zone",
     "pdnsutil check-zone example.com\n"
     "pdnsutil rectify-zone example.com\n"
     "pdnsutil show-zone example.com   # the DS the parent must publish"},
    {DP_SOFTWARE_PDNS_RECURSOR, "dnssec",
     "dnssec=validate\n"
     "# while a zone you do not control stays broken, add a temporary\n"
     "# negative trust anchor: rec_control add-nta example.com"},
    {DP_SOFTWARE_KNOT_RESOLVER, "trust_anchors.set_insecure",
     "-- temporary negative trust anchor while the zone is broken\n"
     "trust_anchors.set_insecure({ 'example.com' })"},
    {DP_SOFTWARE_DNSMASQ, "dnssec",
     "dnssec\n"
     "conf-file=/usr/share/dnsmasq-base/trust-anchors.conf\n"
     "# validation needs the right time; until NTP has synced:\n"
     "dnssec-timestamp=/var/lib/misc/dnsmasq.timestamp"},
    {DP_SOFTWARE_COREDNS, "forward",
     "# CoreDNS does not validate: the SERVFAIL comes from the resolver named\n"
     "# in forward, so fix validation there. If CoreDNS signs the zone with\n"
     "# the dnssec plugin, the parent's DS must match its key.\n"
     ". {\n"
     "    forward . 198.51.100.1\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Add-DnsServerTrustAnchor",
     "Get-DnsServerTrustAnchor -Name .\n"
     "Add-DnsServerTrustAnchor -Root   # fetch the current root trust "
     "anchors"},
    END,
};

/* recursion-upstream: forwarders or authorities unreachable. */
static const struct dp_knowledge_fix fix_rec_upstream[] = {
    {DP_SOFTWARE_BIND, "forwarders",
     "options {\n"
     "    forwarders { 198.51.100.1; 198.51.100.2; };\n"
     "    forward first;   // resolve by itself when the forwarders fail\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "forward-zone",
     "forward-zone:\n"
     "    name: \".\"\n"
     "    forward-addr: 198.51.100.1\n"
     "    forward-addr: 198.51.100.2\n"
     "    forward-first: yes"},
    {DP_SOFTWARE_KNOT, "listen",
     "# Knot DNS does not resolve; if it is an authority the resolver cannot\n"
     "# reach, it must answer on every address in the zone's NS and glue\n"
     "server:\n"
     "  listen: [ 203.0.113.53@53, 2001:db8::53@53 ]"},
    {DP_SOFTWARE_NSD, "ip-address",
     "# NSD does not resolve; if it is an authority the resolver cannot\n"
     "# reach, it must answer on every address in the zone's NS and glue\n"
     "server:\n"
     "    ip-address: 203.0.113.53\n"
     "    ip-address: 2001:db8::53"},
    {DP_SOFTWARE_PDNS_AUTH, "local-address",
     "# PowerDNS Authoritative does not resolve; if it is an authority the\n"
     "# resolver cannot reach, it must answer on every address in the NS set\n"
     "local-address=203.0.113.53, 2001:db8::53"},
    {DP_SOFTWARE_PDNS_RECURSOR, "forward-zones-recurse",
     "forward-zones-recurse=.=198.51.100.1;198.51.100.2\n"
     "network-timeout=1500"},
    {DP_SOFTWARE_KNOT_RESOLVER, "policy.FORWARD",
     "policy.add(policy.all(policy.FORWARD({ '198.51.100.1', "
     "'198.51.100.2' })))"},
    {DP_SOFTWARE_DNSMASQ, "server",
     "no-resolv\n"
     "server=198.51.100.1\n"
     "server=198.51.100.2"},
    {DP_SOFTWARE_COREDNS, "forward",
     ". {\n"
     "    forward . 198.51.100.1 198.51.100.2 {\n"
     "        health_check 5s\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerForwarder",
     "Set-DnsServerForwarder -IPAddress 198.51.100.1, 198.51.100.2 "
     "-UseRootHint $true"},
    END,
};

/* axfr-open: transfers only to the real secondaries. */
static const struct dp_knowledge_fix fix_axfr_open[] = {
    {DP_SOFTWARE_BIND, "allow-transfer",
     "options {\n"
     "    allow-transfer { none; };   // the default for every zone\n"
     "};\n"
     "zone \"example.com\" {\n"
     "    type primary;\n"
     "    file \"/etc/bind/db.example.com\";\n"
     "    allow-transfer { 192.0.2.53; };   // the secondary, better a TSIG "
     "key\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound serves no zone transfers (an auth-zone only fetches them). A "
     "transfer answered at this address comes from another server behind or "
     "beside it."},
    {DP_SOFTWARE_KNOT, "acl",
     "# only addresses in an acl with action transfer may transfer\n"
     "acl:\n"
     "  - id: secondary\n"
     "    address: 192.0.2.53\n"
     "    action: transfer\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    file: /var/lib/knot/example.com.zone\n"
     "    acl: secondary"},
    {DP_SOFTWARE_NSD, "provide-xfr",
     "zone:\n"
     "    name: \"example.com\"\n"
     "    zonefile: \"/etc/nsd/example.com.zone\"\n"
     "    provide-xfr: 192.0.2.53 NOKEY   # not 0.0.0.0/0"},
    {DP_SOFTWARE_PDNS_AUTH, "allow-axfr-ips",
     "# the default also allows 127.0.0.0/8 and ::1\n"
     "allow-axfr-ips=192.0.2.53\n"
     "# or, with no secondaries at all:\n"
     "# disable-axfr=yes"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor serves no zone transfers. A transfer answered at this "
     "address comes from another server behind or beside it."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver serves no zone transfers. A transfer answered at this "
     "address comes from another server behind or beside it."},
    {DP_SOFTWARE_DNSMASQ, "auth-peer",
     "# in authoritative mode dnsmasq sends AXFR to any secondary when only\n"
     "# auth-sec-servers is set; list the secondaries' addresses:\n"
     "auth-peer=192.0.2.53"},
    {DP_SOFTWARE_COREDNS, "transfer",
     "example.com {\n"
     "    file /etc/coredns/db.example.com\n"
     "    transfer {\n"
     "        to 192.0.2.53\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerPrimaryZone -SecureSecondaries",
     "Set-DnsServerPrimaryZone -Name \"example.com\" -SecureSecondaries "
     "TransferToSecureServers -SecondaryServers 192.0.2.53\n"
     "# or no transfers at all: -SecureSecondaries NoTransfer"},
    END,
};

/* axfr-denied: allow the legitimate secondary. */
static const struct dp_knowledge_fix fix_axfr_denied[] = {
    {DP_SOFTWARE_BIND, "allow-transfer",
     "zone \"example.com\" {\n"
     "    type primary;\n"
     "    file \"/etc/bind/db.example.com\";\n"
     "    allow-transfer { 192.0.2.53; };   // or: key \"xfr-key\";\n"
     "    also-notify { 192.0.2.53; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound cannot serve zone transfers. Let the secondary transfer the "
     "zone from its primary server instead."},
    {DP_SOFTWARE_KNOT, "acl",
     "acl:\n"
     "  - id: secondary\n"
     "    address: 192.0.2.53\n"
     "    action: transfer\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    file: /var/lib/knot/example.com.zone\n"
     "    acl: secondary"},
    {DP_SOFTWARE_NSD, "provide-xfr",
     "zone:\n"
     "    name: \"example.com\"\n"
     "    zonefile: \"/etc/nsd/example.com.zone\"\n"
     "    provide-xfr: 192.0.2.53 NOKEY\n"
     "    notify: 192.0.2.53 NOKEY"},
    {DP_SOFTWARE_PDNS_AUTH, "allow-axfr-ips",
     "disable-axfr=no\n"
     "allow-axfr-ips=192.0.2.53\n"
     "# per zone instead: pdnsutil set-meta example.com ALLOW-AXFR-FROM "
     "192.0.2.53"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor cannot serve zone transfers. Let the secondary "
     "transfer the zone from its primary server instead."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver cannot serve zone transfers. Let the secondary transfer "
     "the zone from its primary server instead."},
    {DP_SOFTWARE_DNSMASQ, "auth-peer",
     "auth-sec-servers=ns2.example.com\n"
     "auth-peer=192.0.2.53"},
    {DP_SOFTWARE_COREDNS, "transfer",
     "example.com {\n"
     "    file /etc/coredns/db.example.com\n"
     "    transfer {\n"
     "        to 192.0.2.53\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerPrimaryZone -SecondaryServers",
     "Set-DnsServerPrimaryZone -Name \"example.com\" -SecureSecondaries "
     "TransferToSecureServers -SecondaryServers 192.0.2.53 -Notify "
     "NotifyServers -NotifyServers 192.0.2.53"},
    END,
};

/* update-accepted: no unauthenticated dynamic updates. */
static const struct dp_knowledge_fix fix_update_accepted[] = {
    {DP_SOFTWARE_BIND, "update-policy",
     "zone \"example.com\" {\n"
     "    type primary;\n"
     "    file \"/var/lib/bind/db.example.com\";\n"
     "    // signed updates only (tsig-keygen update-key); remove any\n"
     "    // allow-update with addresses\n"
     "    update-policy { grant update-key zonesub ANY; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound has no dynamic update. An UPDATE accepted at this address is "
     "handled by another server behind or beside it."},
    {DP_SOFTWARE_KNOT, "acl",
     "# updates only from the one host that needs them (better: add a key)\n"
     "acl:\n"
     "  - id: updater\n"
     "    address: 192.0.2.10\n"
     "    action: update\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    file: /var/lib/knot/example.com.zone\n"
     "    acl: updater"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD has no dynamic update. An UPDATE accepted at this address is "
     "handled by another server behind or beside it."},
    {DP_SOFTWARE_PDNS_AUTH, "allow-dnsupdate-from",
     "# no updates at all:\n"
     "dnsupdate=no\n"
     "# or, with dnsupdate=yes, no global address may update (the default\n"
     "# allows 127.0.0.0/8 and ::1); allow per zone, with a TSIG key:\n"
     "#   pdnsutil set-meta example.com ALLOW-DNSUPDATE-FROM 192.0.2.10\n"
     "#   pdnsutil set-meta example.com TSIG-ALLOW-DNSUPDATE update-key\n"
     "allow-dnsupdate-from="},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor has no dynamic update. An UPDATE accepted at this "
     "address is handled by another server behind or beside it."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver has no dynamic update. An UPDATE accepted at this address "
     "is handled by another server behind or beside it."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq has no dynamic update service. An UPDATE accepted at this "
     "address is handled by another server behind or beside it."},
    {DP_SOFTWARE_COREDNS, NULL,
     "CoreDNS's built-in plugins have no RFC 2136 dynamic update. An UPDATE "
     "accepted here comes from an external plugin or another server: remove "
     "or restrict it."},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerPrimaryZone -DynamicUpdate",
     "# Secure: only authenticated domain members (AD-integrated zones)\n"
     "Set-DnsServerPrimaryZone -Name \"example.com\" -DynamicUpdate Secure\n"
     "# or none at all: -DynamicUpdate None"},
    END,
};

/* update-denied: allow the legitimate updater. */
static const struct dp_knowledge_fix fix_update_denied[] = {
    {DP_SOFTWARE_BIND, "update-policy",
     "zone \"example.com\" {\n"
     "    type primary;\n"
     "    file \"/var/lib/bind/db.example.com\";\n"
     "    // the updater signs with the key made by tsig-keygen update-key\n"
     "    update-policy { grant update-key zonesub ANY; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound cannot take dynamic updates. Send them to the zone's primary "
     "authoritative server (the SOA MNAME) instead."},
    {DP_SOFTWARE_KNOT, "acl",
     "acl:\n"
     "  - id: updater\n"
     "    address: 192.0.2.10\n"
     "    action: update\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    file: /var/lib/knot/example.com.zone\n"
     "    acl: updater"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD cannot take dynamic updates. Send them to a primary that can (BIND, "
     "Knot DNS, PowerDNS) and let NSD transfer the zone from it."},
    {DP_SOFTWARE_PDNS_AUTH, "allow-dnsupdate-from",
     "dnsupdate=yes\n"
     "allow-dnsupdate-from=192.0.2.10\n"
     "# better per zone with a key:\n"
     "#   pdnsutil set-meta example.com TSIG-ALLOW-DNSUPDATE update-key"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor cannot take dynamic updates. Send them to the zone's "
     "primary authoritative server (the SOA MNAME) instead."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver cannot take dynamic updates. Send them to the zone's "
     "primary authoritative server (the SOA MNAME) instead."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq cannot take dynamic updates (its names come from its own "
     "configuration and DHCP). Send updates to an authoritative primary "
     "instead."},
    {DP_SOFTWARE_COREDNS, NULL,
     "CoreDNS's built-in plugins cannot take dynamic updates. Send them to an "
     "authoritative primary that can, and let CoreDNS serve the zone as a "
     "secondary."},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerPrimaryZone -DynamicUpdate",
     "# Secure for domain members; NonsecureAndSecure lets anyone update\n"
     "Set-DnsServerPrimaryZone -Name \"example.com\" -DynamicUpdate Secure"},
    END,
};

/* update-not-supported: where dynamic update can live. */
static const struct dp_knowledge_fix fix_update_unsupported[] = {
    {DP_SOFTWARE_BIND, "update-policy",
     "// BIND has dynamic update; it is off until a zone allows it\n"
     "zone \"example.com\" {\n"
     "    type primary;\n"
     "    file \"/var/lib/bind/db.example.com\";\n"
     "    update-policy { grant update-key zonesub ANY; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound has no dynamic update; NOTIMP is its correct answer. Run "
     "updated zones on an authoritative server that supports UPDATE."},
    {DP_SOFTWARE_KNOT, "acl",
     "# Knot DNS has dynamic update; it needs an acl with action update\n"
     "acl:\n"
     "  - id: updater\n"
     "    address: 192.0.2.10\n"
     "    action: update\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    file: /var/lib/knot/example.com.zone\n"
     "    acl: updater"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD has no dynamic update; NOTIMP is its correct answer. Keep NSD as a "
     "secondary (request-xfr, allow-notify) of a primary that accepts "
     "updates, such as BIND or Knot DNS."},
    {DP_SOFTWARE_PDNS_AUTH, "dnsupdate",
     "# PowerDNS answers NOTIMP to UPDATE while this is off (the default)\n"
     "dnsupdate=yes\n"
     "allow-dnsupdate-from=192.0.2.10"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor has no dynamic update; NOTIMP is its correct answer. "
     "Use PowerDNS Authoritative Server for updated zones."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver has no dynamic update; NOTIMP is its correct answer. Use "
     "an authoritative server such as Knot DNS for updated zones."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq has no dynamic update service; it learns names from DHCP and "
     "its own configuration. Use an authoritative server for updated zones."},
    {DP_SOFTWARE_COREDNS, NULL,
     "CoreDNS's built-in plugins have no dynamic update. Keep the zone on a "
     "primary that supports UPDATE and serve it in CoreDNS with the "
     "secondary plugin."},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerPrimaryZone -DynamicUpdate",
     "Set-DnsServerPrimaryZone -Name \"example.com\" -DynamicUpdate Secure"},
    END,
};

/* notify-accepted: NOTIFY only from the primaries. */
static const struct dp_knowledge_fix fix_notify_accepted[] = {
    {DP_SOFTWARE_BIND, "allow-notify",
     "// a secondary takes NOTIFY from its primaries by default; drop any\n"
     "// wider allow-notify\n"
     "zone \"example.com\" {\n"
     "    type secondary;\n"
     "    primaries { 192.0.2.1; };\n"
     "    file \"/var/cache/bind/db.example.com\";\n"
     "    allow-notify { 192.0.2.1; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "allow-notify",
     "auth-zone:\n"
     "    name: \"example.com\"\n"
     "    primary: 192.0.2.1\n"
     "    allow-notify: 192.0.2.1"},
    {DP_SOFTWARE_KNOT, "acl",
     "remote:\n"
     "  - id: primary\n"
     "    address: 192.0.2.1\n"
     "acl:\n"
     "  - id: notify-from-primary\n"
     "    address: 192.0.2.1\n"
     "    action: notify\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    master: primary\n"
     "    acl: notify-from-primary"},
    {DP_SOFTWARE_NSD, "allow-notify",
     "zone:\n"
     "    name: \"example.com\"\n"
     "    zonefile: \"/var/lib/nsd/example.com.zone\"\n"
     "    allow-notify: 192.0.2.1 NOKEY   # the primary only\n"
     "    request-xfr: 192.0.2.1 NOKEY"},
    {DP_SOFTWARE_PDNS_AUTH, "allow-notify-from",
     "# the default accepts NOTIFY from 0.0.0.0/0 and ::/0\n"
     "secondary=yes\n"
     "allow-notify-from=192.0.2.1"},
    {DP_SOFTWARE_PDNS_RECURSOR, "allow-notify-from",
     "# a NOTIFY makes the Recursor wipe its cache for the zone\n"
     "allow-notify-from=192.0.2.1\n"
     "allow-notify-for=example.com"},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver does not act on NOTIFY. A NOERROR answer to NOTIFY at "
     "this address comes from another server behind or beside it."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq does not act on NOTIFY (it is never a secondary). A NOERROR "
     "answer to NOTIFY at this address comes from another server."},
    {DP_SOFTWARE_COREDNS, "secondary",
     "# the secondary plugin acts only on NOTIFY from a 'transfer from'\n"
     "# address\n"
     "example.com {\n"
     "    secondary {\n"
     "        transfer from 192.0.2.1\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerSecondaryZone -MasterServers",
     "# a secondary zone takes NOTIFY from its master servers only\n"
     "Set-DnsServerSecondaryZone -Name \"example.com\" -MasterServers "
     "192.0.2.1"},
    END,
};

/* notify-refused: accept NOTIFY from the real primary. */
static const struct dp_knowledge_fix fix_notify_refused[] = {
    {DP_SOFTWARE_BIND, "allow-notify",
     "zone \"example.com\" {\n"
     "    type secondary;\n"
     "    primaries { 192.0.2.1; };\n"
     "    file \"/var/cache/bind/db.example.com\";\n"
     "    allow-notify { 192.0.2.1; };   // needed only for non-primaries\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "allow-notify",
     "auth-zone:\n"
     "    name: \"example.com\"\n"
     "    primary: 192.0.2.1\n"
     "    allow-notify: 192.0.2.1"},
    {DP_SOFTWARE_KNOT, "acl",
     "remote:\n"
     "  - id: primary\n"
     "    address: 192.0.2.1\n"
     "acl:\n"
     "  - id: notify-from-primary\n"
     "    address: 192.0.2.1\n"
     "    action: notify\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    master: primary\n"
     "    acl: notify-from-primary"},
    {DP_SOFTWARE_NSD, "allow-notify",
     "zone:\n"
     "    name: \"example.com\"\n"
     "    zonefile: \"/var/lib/nsd/example.com.zone\"\n"
     "    allow-notify: 192.0.2.1 NOKEY\n"
     "    request-xfr: 192.0.2.1 NOKEY"},
    {DP_SOFTWARE_PDNS_AUTH, "allow-notify-from",
     "secondary=yes\n"
     "allow-notify-from=192.0.2.1\n"
     "# and the zone itself: pdnsutil create-secondary-zone example.com "
     "192.0.2.1"},
    {DP_SOFTWARE_PDNS_RECURSOR, "allow-notify-from",
     "allow-notify-from=192.0.2.1\n"
     "allow-notify-for=example.com"},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver cannot act on NOTIFY; its cache follows the TTLs. Send "
     "NOTIFY to the zone's secondaries instead."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq cannot act on NOTIFY; it is never a secondary. Send NOTIFY to "
     "the zone's secondaries instead."},
    {DP_SOFTWARE_COREDNS, "secondary",
     "example.com {\n"
     "    secondary {\n"
     "        transfer from 192.0.2.1\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerSecondaryZone -MasterServers",
     "Set-DnsServerSecondaryZone -Name \"example.com\" -MasterServers "
     "192.0.2.1"},
    END,
};

/* opcode-noncompliant: mostly upgrades and middleboxes. */
static const struct dp_knowledge_fix fix_opcode[] = {
    {DP_SOFTWARE_BIND, NULL,
     "Current BIND 9 answers NOTIMP to unknown opcodes. If it did not here, "
     "upgrade it, then look for a firewall or load balancer that drops or "
     "rewrites the query; there is no setting for this."},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Current Unbound answers NOTIMP to unknown opcodes. If it did not here, "
     "upgrade it, then look for a firewall or load balancer that drops or "
     "rewrites the query; there is no setting for this."},
    {DP_SOFTWARE_KNOT, NULL,
     "Current Knot DNS answers NOTIMP to unknown opcodes. If it did not here, "
     "upgrade it, then look for a firewall or load balancer that drops or "
     "rewrites the query; there is no setting for this."},
    {DP_SOFTWARE_NSD, NULL,
     "Current NSD answers NOTIMP to unknown opcodes. If it did not here, "
     "upgrade it, then look for a firewall or load balancer that drops or "
     "rewrites the query; there is no setting for this."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server (4.7, as Debian 12 ships it) drops "
     "queries with an unknown opcode without any reply, and no setting "
     "changes that. Where that is accepted, say so with --allow "
     "opcode=no-answer; check dnsdist or a proxy in front of it too."},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor (4.8, as Debian 12 ships it) drops queries with an "
     "unknown opcode without any reply, and no setting changes that. Where "
     "that is accepted, say so with --allow opcode=no-answer; check dnsdist "
     "or a proxy in front of it too."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver has no setting for this. Upgrade it, and look for a "
     "firewall or load balancer that drops or rewrites unknown opcodes."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq has no setting for this. Upgrade it, and look for a firewall "
     "or load balancer that drops or rewrites unknown opcodes."},
    {DP_SOFTWARE_COREDNS, NULL,
     "CoreDNS has no setting for this. Upgrade it, and look for a firewall "
     "or load balancer that drops or rewrites unknown opcodes."},
    {DP_SOFTWARE_WINDOWS, NULL,
     "Windows DNS Server has no setting for this. Keep it updated, and check "
     "firewalls with DNS inspection in front of it, which often drop unknown "
     "opcodes."},
    END,
};

/* edns-noncompliant: modern buffer sizes, upgrades, middleboxes. */
static const struct dp_knowledge_fix fix_edns[] = {
    {DP_SOFTWARE_BIND, "edns-udp-size",
     "// BIND 9.16 and later pass the EDNS tests; also check middleboxes\n"
     "options {\n"
     "    edns-udp-size 1232;\n"
     "    max-udp-size 1232;\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "edns-buffer-size",
     "server:\n"
     "    edns-buffer-size: 1232"},
    {DP_SOFTWARE_KNOT, "udp-max-payload",
     "server:\n"
     "  udp-max-payload: 1232"},
    {DP_SOFTWARE_NSD, "ipv4-edns-size",
     "server:\n"
     "    ipv4-edns-size: 1232\n"
     "    ipv6-edns-size: 1232"},
    {DP_SOFTWARE_PDNS_AUTH, "udp-truncation-threshold",
     "udp-truncation-threshold=1232"},
    {DP_SOFTWARE_PDNS_RECURSOR, "dnssec / udp-truncation-threshold",
     "# dnssec=off clears the DO bit in replies (RFC 3225 section 3);\n"
     "# process-no-validate (or the default, process) copies it\n"
     "dnssec=process-no-validate\n"
     "udp-truncation-threshold=1232\n"
     "edns-outgoing-bufsize=1232"},
    {DP_SOFTWARE_KNOT_RESOLVER, "net.bufsize", "net.bufsize(1232)"},
    {DP_SOFTWARE_DNSMASQ, "edns-packet-max", "edns-packet-max=1232"},
    {DP_SOFTWARE_COREDNS, "bufsize",
     ". {\n"
     "    bufsize 1232\n"
     "    forward . 198.51.100.1\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerEDns",
     "Set-DnsServerEDns -EnableReception $true -EnableProbes $true"},
    END,
};

/* rate-limited: let the monitoring host through response rate limiting. */
static const struct dp_knowledge_fix fix_rate_limited[] = {
    {DP_SOFTWARE_BIND, "rate-limit exempt-clients",
     "options {\n"
     "    rate-limit {\n"
     "        responses-per-second 10;\n"
     "        exempt-clients { 192.0.2.10; };   // the monitoring host\n"
     "    };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "ip-ratelimit",
     "# queries per second per client address; 0 turns it off. Unbound has\n"
     "# no list of exempt clients: raise it above a battery's burst\n"
     "server:\n"
     "    ip-ratelimit: 0"},
    {DP_SOFTWARE_KNOT, "mod-rrl whitelist",
     "mod-rrl:\n"
     "  - id: default\n"
     "    rate-limit: 200\n"
     "    slip: 2\n"
     "    whitelist: [ 192.0.2.10 ]   # the monitoring host"},
    {DP_SOFTWARE_NSD, "rrl-ratelimit",
     "# NSD exempts response types (zone: rrl-whitelist), not clients: raise\n"
     "# the limit (per /24, queries per second; 0 turns RRL off)\n"
     "server:\n"
     "    rrl-ratelimit: 200"},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server has no response rate limiting of its "
     "own: the limit comes from dnsdist or a firewall in front of it; add a "
     "rule that lets the monitoring host through before the limiting one."},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor has no response rate limiting of its own: the limit "
     "comes from dnsdist or a firewall in front of it; add a rule that lets "
     "the monitoring host through before the limiting one."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver 5 has no response rate limiting of its own: the limit "
     "comes from a firewall or load balancer in front of it, which should "
     "let the monitoring host through."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq has no response rate limiting of its own: look for a firewall "
     "rule (hashlimit, a per-source limit) in front of it and let the "
     "monitoring host through."},
    {DP_SOFTWARE_COREDNS, NULL,
     "CoreDNS has no response rate limiting among its standard plugins: "
     "look for an external ratelimit plugin or a firewall in front of it and "
     "let the monitoring host through."},
    {DP_SOFTWARE_WINDOWS, "Add-DnsServerResponseRateLimitingExceptionlist",
     "Add-DnsServerClientSubnet -Name Monitoring -IPv4Subnet 192.0.2.10/32\n"
     "Add-DnsServerResponseRateLimitingExceptionlist -Name Monitoring "
     "-ClientSubnet \"EQ,Monitoring\""},
    END,
};

/* no-answer: silent drops, rate limits, filters. */
static const struct dp_knowledge_fix fix_no_answer[] = {
    {DP_SOFTWARE_BIND, "rate-limit / blackhole",
     "options {\n"
     "    blackhole { none; };   // no address silently ignored\n"
     "    rate-limit {\n"
     "        responses-per-second 10;\n"
     "        slip 2;            // every 2nd dropped answer goes out with "
     "TC=1\n"
     "    };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, "access-control",
     "# 'deny' drops silently; 'refuse' answers REFUSED at once\n"
     "server:\n"
     "    access-control: 0.0.0.0/0 refuse\n"
     "    access-control: ::0/0 refuse"},
    {DP_SOFTWARE_KNOT, "mod-rrl",
     "# response rate limiting drops answers; slip keeps some as TC=1\n"
     "mod-rrl:\n"
     "  - id: default\n"
     "    rate-limit: 200\n"
     "    slip: 2\n"
     "template:\n"
     "  - id: default\n"
     "    global-module: mod-rrl/default"},
    {DP_SOFTWARE_NSD, "rrl-ratelimit",
     "server:\n"
     "    rrl-ratelimit: 200\n"
     "    rrl-slip: 2"},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server has no setting that drops queries "
     "silently; silence comes from dnsdist or a firewall in front of it, "
     "whose rules to check."},
    {DP_SOFTWARE_PDNS_RECURSOR, "allow-from",
     "# clients outside allow-from get no answer at all\n"
     "allow-from=127.0.0.0/8, ::1/128, 192.0.2.0/24"},
    {DP_SOFTWARE_KNOT_RESOLVER, "view:addr",
     "-- answer REFUSED instead of dropping clients you do not serve\n"
     "modules.load('view')\n"
     "view:addr('0.0.0.0/0', policy.all(policy.REFUSE))"},
    {DP_SOFTWARE_DNSMASQ, "local-service",
     "# with local-service dnsmasq ignores queries from networks that are\n"
     "# not directly attached; listen where the clients are instead:\n"
     "listen-address=203.0.113.53"},
    {DP_SOFTWARE_COREDNS, "acl",
     "# 'drop' is silent; 'block' answers REFUSED\n"
     ". {\n"
     "    acl {\n"
     "        allow net 192.0.2.0/24\n"
     "        block\n"
     "    }\n"
     "    forward . 198.51.100.1\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Set-DnsServerResponseRateLimiting",
     "Get-DnsServerResponseRateLimiting\n"
     "Set-DnsServerResponseRateLimiting -ResponsesPerSec 10 -LeakRate 3 "
     "-TruncateRate 2"},
    END,
};

/* unexpected-answer: log why, and read the RCODE's own entry. */
static const struct dp_knowledge_fix fix_unexpected[] = {
    {DP_SOFTWARE_BIND, "logging",
     "// log why transfers, updates and notifies were answered as they were\n"
     "logging {\n"
     "    channel ops_log { file \"/var/log/named/ops.log\"; severity info; "
     "};\n"
     "    category xfer-out { ops_log; };\n"
     "    category update { ops_log; };\n"
     "    category notify { ops_log; };\n"
     "};"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound serves no transfers, updates or NOTIFY for ordinary zones: "
     "FORMERR to IXFR (it rejects any query with an authority section) and "
     "NOTIMP or REFUSED to the others are its normal answers."},
    {DP_SOFTWARE_KNOT, "log",
     "log:\n"
     "  - target: syslog\n"
     "    any: info"},
    {DP_SOFTWARE_NSD, "verbosity",
     "server:\n"
     "    verbosity: 2   # logs transfer and notify decisions"},
    {DP_SOFTWARE_PDNS_AUTH, "loglevel",
     "loglevel=6\n"
     "log-dns-details=yes"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor serves no transfers or updates: REFUSED, NOTIMP or "
     "FORMERR to them is a resolver's normal answer."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver serves no transfers or updates: REFUSED, NOTIMP or "
     "FORMERR to them is a resolver's normal answer."},
    {DP_SOFTWARE_DNSMASQ, "log-queries",
     "# dnsmasq answers AXFR only in authoritative mode and has no UPDATE;\n"
     "# log how it handled each request:\n"
     "log-queries=extra"},
    {DP_SOFTWARE_COREDNS, "log",
     "example.com {\n"
     "    log\n"
     "    errors\n"
     "    file /etc/coredns/db.example.com\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Get-WinEvent",
     "Get-WinEvent -LogName \"DNS Server\" -MaxEvents 50   # why the server "
     "answered so"},
    END,
};

/* malformed-answer: who answers, and what mangles it. */
static const struct dp_knowledge_fix fix_malformed[] = {
    {DP_SOFTWARE_BIND, NULL,
     "BIND 9 does not send malformed messages on purpose: check that named "
     "owns the port (ss -lunpt 'sport = :53'), capture the exchange on the "
     "server to compare, and upgrade if the fault is in named itself."},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound does not send malformed messages on purpose: check that "
     "unbound owns the port (ss -lunpt 'sport = :53'), capture the exchange "
     "on the server to compare, and upgrade if the fault is in Unbound."},
    {DP_SOFTWARE_KNOT, NULL,
     "Knot DNS does not send malformed messages on purpose: check that knotd "
     "owns the port (ss -lunpt 'sport = :53'), capture the exchange on the "
     "server to compare, and upgrade if the fault is in knotd."},
    {DP_SOFTWARE_NSD, NULL,
     "NSD does not send malformed messages on purpose: check that nsd owns "
     "the port (ss -lunpt 'sport = :53'), capture the exchange on the server "
     "to compare, and upgrade if the fault is in NSD."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server does not send malformed messages on "
     "purpose: check that pdns_server owns the port, capture the exchange on "
     "the server, and check backend data and dnsdist in front of it."},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor does not send malformed messages on purpose: check "
     "that pdns_recursor owns the port, capture the exchange on the server, "
     "and check Lua scripts that build answers."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver does not send malformed messages on purpose: check that "
     "kresd owns the port, capture the exchange on the server, and check "
     "policy rules that build answers."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq does not send malformed messages on purpose: check that it "
     "owns the port (ss -lunpt 'sport = :53'), capture the exchange on the "
     "server to compare, and upgrade if the fault is in dnsmasq."},
    {DP_SOFTWARE_COREDNS, NULL,
     "CoreDNS does not send malformed messages on purpose: check that it "
     "owns the port, capture the exchange on the server, and suspect "
     "external plugins that build answers."},
    {DP_SOFTWARE_WINDOWS, NULL,
     "Windows DNS Server does not send malformed messages on purpose: check "
     "with Get-NetUDPEndpoint -LocalPort 53 that dns.exe owns the port, and "
     "capture the exchange on the server to compare."},
    END,
};

/* dnssec-signing: the zone's signatures fail a check; re-sign, and let
 * the signer refresh them on its own. */
static const struct dp_knowledge_fix fix_dnssec_resign[] = {
    {DP_SOFTWARE_BIND, "dnssec-policy",
     "// named signs the zone and refreshes its RRSIGs days before they\n"
     "// expire; rndc signing -list example.com shows what it did\n"
     "zone \"example.com\" {\n"
     "    type primary;\n"
     "    file \"example.com.db\";\n"
     "    dnssec-policy default;\n"
     "    inline-signing yes;\n"
     "};\n"
     "// signed by hand instead, run again after every change and well\n"
     "// before the RRSIGs expire:\n"
     "// dnssec-signzone -S -K keys -o example.com example.com.db"},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound does not sign zones: the signatures come from the zone's "
     "signer, so re-sign the zone there."},
    {DP_SOFTWARE_KNOT, "dnssec-signing / policy",
     "# knotd signs and refreshes its RRSIGs itself; knotc zone-sign\n"
     "# example.com re-signs the whole zone now\n"
     "policy:\n"
     "  - id: auto\n"
     "    algorithm: ecdsap256sha256\n"
     "    rrsig-lifetime: 14d\n"
     "    rrsig-refresh: 7d\n"
     "zone:\n"
     "  - domain: example.com\n"
     "    dnssec-signing: on\n"
     "    dnssec-policy: auto"},
    {DP_SOFTWARE_NSD, NULL,
     "NSD does not sign zones: it serves what the signer in front of it "
     "wrote. Re-sign with that signer after every change and well before "
     "the RRSIGs expire (OpenDNSSEC: ods-signer sign example.com; or "
     "ldns-signzone or dnssec-signzone from cron), then nsd-control reload "
     "example.com."},
    {DP_SOFTWARE_PDNS_AUTH, "pdnsutil",
     "# answers are signed as they are sent, so live-signed RRSIGs never\n"
     "# run out; a zone marked PRESIGNED serves the RRSIGs it was given\n"
     "pdnsutil show-zone example.com\n"
     "pdnsutil rectify-zone example.com\n"
     "pdnsutil check-zone example.com\n"
     "# presigned: re-sign it at its source, or let PowerDNS sign it:\n"
     "# pdnsutil unset-presigned example.com; pdnsutil secure-zone "
     "example.com"},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor does not sign zones: re-sign the zone on its "
     "signer."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver does not sign zones: re-sign the zone on its signer."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq does not sign zones (an auth-zone is served unsigned): "
     "re-sign the zone on its signer."},
    {DP_SOFTWARE_COREDNS, "dnssec",
     "# the dnssec plugin signs answers as they are sent, with the keys it\n"
     "# is given; a pre-signed file served by the file plugin must be\n"
     "# re-signed where it is made\n"
     "example.com {\n"
     "    file db.example.com\n"
     "    dnssec {\n"
     "        key file Kexample.com.+013+12345\n"
     "    }\n"
     "}"},
    {DP_SOFTWARE_WINDOWS, "Invoke-DnsServerZoneSign",
     "Get-DnsServerDnsSecZoneSetting -ZoneName example.com\n"
     "Invoke-DnsServerZoneSign -ZoneName example.com -DoResign -Force"},
    END,
};

/* case-not-preserved: a question echoed in another case. Observed in
 * dnsprobe's lab (tests/lab/OBSERVED.md): BIND 9.18, NSD 4.6, Knot DNS 3.2,
 * Unbound 1.17 and both PowerDNS servers echo each question as asked;
 * dnsmasq 2.90 answers a query that arrives while the same question, in
 * any case, is forwarded with the first one's reply. */
static const struct dp_knowledge_fix fix_case[] = {
    {DP_SOFTWARE_BIND, NULL,
     "BIND 9 copies each question as it was asked and does not rewrite its "
     "case: look for a proxy, load balancer or firewall with DNS inspection "
     "in front of it."},
    {DP_SOFTWARE_UNBOUND, NULL,
     "Unbound copies each question as it was asked and does not rewrite "
     "its case: look for a proxy or forwarder in front of it."},
    {DP_SOFTWARE_KNOT, NULL,
     "Knot DNS copies each question as it was asked and does not rewrite "
     "its case: look for a proxy, load balancer or firewall with DNS "
     "inspection in front of it."},
    {DP_SOFTWARE_NSD, NULL,
     "NSD copies each question as it was asked and does not rewrite its "
     "case: look for a proxy, load balancer or firewall with DNS inspection "
     "in front of it."},
    {DP_SOFTWARE_PDNS_AUTH, NULL,
     "PowerDNS Authoritative Server copies each question as it was asked "
     "and does not rewrite its case: look for dnsdist rules or another "
     "proxy in front of it."},
    {DP_SOFTWARE_PDNS_RECURSOR, NULL,
     "PowerDNS Recursor copies each question as it was asked and does not "
     "rewrite its case: look for a proxy or forwarder in front of it."},
    {DP_SOFTWARE_KNOT_RESOLVER, NULL,
     "Knot Resolver was not seen rewriting the question in dnsprobe's lab "
     "(it was not tested there): upgrade it, and look for a proxy in front "
     "of it."},
    {DP_SOFTWARE_DNSMASQ, NULL,
     "dnsmasq cannot be told to stop folding queries in flight: while a "
     "question is forwarded, the same question in any case gets the first "
     "one's reply, question included. Do not put it in front of the "
     "authoritative servers of a zone: let resolvers reach them directly, "
     "or have dnsmasq serve the zone itself:\n"
     "auth-zone=example.com\n"
     "auth-server=ns1.example.com,203.0.113.53"},
    {DP_SOFTWARE_COREDNS, NULL,
     "CoreDNS was not tested in dnsprobe's lab: check the plugins that "
     "answer from their own copy (cache, forward) and whether they restore "
     "each client's question, and upgrade."},
    {DP_SOFTWARE_WINDOWS, NULL,
     "Windows DNS Server was not tested in dnsprobe's lab: check for a "
     "proxy or load balancer in front of it, and apply the server's "
     "updates."},
    END,
};

static const struct dp_knowledge_situation situations[DP_FINDING_COUNT] = {
    [DP_FINDING_ZONE_ROOT_DEFAULT] =
        {"No zone given: the zone probes asked about the root",
         "dnsprobe ran without --zone, so the udp, tcp, axfr, ixfr, update and "
         "notify probes used the root zone \".\". Most servers do not serve "
         "the "
         "root, so REFUSED, NOTAUTH or referrals in those probes say nothing "
         "about the zones this server really hosts.",
         "Run dnsprobe again with --zone set to a zone this server should "
         "serve.",
         fix_zone_root},
    [DP_FINDING_ZONE_LAME] =
        {"The server does not serve the zone",
         "Asked for the zone's own SOA, the server answered REFUSED or "
         "NOTAUTH: "
         "the zone is not configured here. If the zone's NS records name this "
         "server, the delegation is lame and resolvers waste time on it; the "
         "other cause is an allow-query list that shuts this client out.",
         "Configure the zone on this server as a primary or a secondary and "
         "check that it loaded, or remove the server from the zone's NS "
         "records "
         "at the parent and in the zone. If the zone is configured, check the "
         "query access list.",
         fix_zone_lame},
    [DP_FINDING_ZONE_SERVFAIL] =
        {"The zone is configured but broken",
         "Asked for the zone's own SOA, the server answered SERVFAIL: it knows "
         "the zone but cannot serve it. The zone failed to load (syntax error, "
         "missing file, wrong permissions, signing failure), or this is a "
         "secondary whose copy expired because it could not refresh from its "
         "primary for longer than the SOA expire time.",
         "Read the server's log from the last load or transfer, check the zone "
         "file with the server's checker, and on a secondary check that the "
         "primary answers it over TCP and allows it to transfer; then reload.",
         fix_zone_servfail},
    [DP_FINDING_ZONE_NOT_AUTHORITATIVE] =
        {"Answer without authority for the zone",
         "The server does not answer the zone's SOA from a copy of the zone "
         "held "
         "here. Either it answered NOERROR without the AA flag (from a cache, "
         "a "
         "forwarder or a referral), or, being a resolver for this client, it "
         "refused the non-recursive (RD=0) query, as resolvers such as Unbound "
         "do "
         "for data they have not cached.",
         "If this server should be authoritative, configure the zone on it; if "
         "it is a resolver, test the zone on its authoritative servers "
         "instead.",
         fix_zone_noaa},
    [DP_FINDING_ZONE_UNEXPECTED] =
        {"Odd answer to the zone's SOA query",
         "The SOA query got an answer that fits no normal pattern: NXDOMAIN "
         "for "
         "the apex, NOERROR without the SOA, FORMERR or NOTIMP, or a question "
         "that does not match. The server may hold a parent or a different "
         "zone, "
         "an override (local data, policy) may rewrite the name, or something "
         "in "
         "the path alters answers.",
         "Compare with the zone's other authoritative servers, check which "
         "zones "
         "and overrides this server has, and look for DNS proxies or firewalls "
         "with DNS inspection in the path.",
         fix_zone_odd},
    [DP_FINDING_TCP_UNAVAILABLE] =
        {"DNS over TCP does not work",
         "The server answers over UDP but not over TCP. RFC 7766 makes TCP "
         "mandatory for DNS: without it, answers too large for UDP (DNSSEC, "
         "many "
         "records), retries after truncation (TC=1) and zone transfers fail.",
         "Make the server listen on TCP port 53 and let TCP/53 through every "
         "firewall and load balancer on the path; check the server's TCP "
         "connection limits.",
         fix_tcp},
    [DP_FINDING_UNREACHABLE] =
        {"Nothing answers",
         "No probe got any reply, over UDP or TCP. The server process may be "
         "down, listen on other addresses or another port, or a firewall drops "
         "the traffic; or the target address is wrong.",
         "Check that the server runs and listens on this address and port (for "
         "example ss -lunpt), that you probed the right target, and that no "
         "firewall on the path drops DNS.",
         fix_unreachable},
    [DP_FINDING_RECURSION_OPEN] =
        {"Open recursion on an authoritative server",
         "The server is authoritative for zones and also resolved an outside "
         "name for this client (RA=1 and an answer). An authoritative server "
         "that recurses for anyone is an open resolver: it can be abused for "
         "amplification attacks and exposes its cache to poisoning (RFC 5358).",
         "Turn recursion off on authoritative servers, or limit it to your own "
         "clients with an access list; run recursion on separate resolvers.",
         fix_rec_open},
    [DP_FINDING_RECURSION_REFUSED] =
        {"Recursion refused to this client",
         "The server refused to resolve an outside name for this client "
         "(REFUSED, often with EDE 18 Prohibited). On an authoritative-only "
         "server this is correct. On a resolver this client should use, the "
         "client is outside its access list: a resolver that serves only its "
         "own "
         "network answers this way.",
         "If this client should use the resolver, add its address or network "
         "to "
         "the recursion access list; otherwise use a resolver you are "
         "authorized "
         "to use.",
         fix_rec_refused},
    [DP_FINDING_RECURSION_INCONSISTENT] =
        {"REFUSED, yet recursion claimed available",
         "The server refused the recursive query but set RA=1, claiming "
         "recursion is available. Scanners that read only the RA flag count it "
         "as an open resolver. Usually recursion is enabled globally and "
         "limited "
         "per client, or a proxy in front sets the flag.",
         "Make the answer consistent: turn recursion off where no client needs "
         "it, drop queries from clients you do not serve instead of refusing "
         "them, or accept the flag as cosmetic once the access list is right.",
         fix_rec_inconsistent},
    [DP_FINDING_RECURSION_FAILING] =
        {"Recursion offered but failing",
         "The server offers recursion (RA=1) but answered SERVFAIL: it could "
         "not "
         "resolve the test name. Either DNSSEC validation failed or no "
         "upstream "
         "server (forwarder or authoritative server) gave a usable answer.",
         "Repeat the query with CD=1. If that answers, the cause is DNSSEC "
         "(see "
         "recursion-dnssec); if not, check the resolver's outbound "
         "connectivity, "
         "forwarders and logs (see recursion-upstream).",
         fix_rec_failing},
    [DP_FINDING_RECURSION_DNSSEC] =
        {"SERVFAIL caused by DNSSEC validation",
         "The SERVFAIL disappears with CD=1, so the resolver rejected the "
         "answer "
         "because DNSSEC validation failed; EDE 6 to 12 say why (bogus, "
         "expired "
         "or not yet valid signatures, missing DNSKEY, RRSIG or NSEC records). "
         "Either the zone's signatures or DS records are broken, or the "
         "resolver's trust anchor or clock is wrong.",
         "If you run the zone, re-sign it, make signing automatic, and make "
         "the "
         "parent's DS match a published DNSKEY. If you run the resolver, check "
         "its clock and root trust anchor; for a broken zone you do not "
         "control, "
         "add a temporary negative trust anchor (RFC 7646) rather than turning "
         "validation off.",
         fix_rec_dnssec},
    [DP_FINDING_RECURSION_UPSTREAM] =
        {"SERVFAIL caused by unreachable upstreams",
         "The SERVFAIL stays with CD=1, so it is not DNSSEC: the resolver "
         "could "
         "not get an answer from upstream. Its forwarders are down or refuse "
         "it, "
         "the zone's authoritative servers are unreachable or lame (EDE 22 No "
         "Reachable Authority, EDE 23 Network Error), or outbound DNS on UDP "
         "and "
         "TCP port 53 is blocked.",
         "From the resolver's host, query the forwarders or the zone's "
         "authoritative servers directly; fix the delegation or the forwarder "
         "list, and allow outbound UDP and TCP port 53.",
         fix_rec_upstream},
    [DP_FINDING_AXFR_OPEN] =
        {"Zone transfer open to this client",
         "The server sent this client the whole zone (AXFR or IXFR). Anyone "
         "who "
         "can transfer the zone gets every name in it at once, which maps the "
         "network for an attacker and costs the server bandwidth. Transfers "
         "should go only to the zone's own secondaries.",
         "Limit zone transfers to the secondaries' addresses, preferably "
         "requiring a TSIG key, and deny them to everyone else.",
         fix_axfr_open},
    [DP_FINDING_AXFR_DENIED] =
        {"Zone transfer denied to this client",
         "The transfer was refused (REFUSED, often with EDE 18; NOTAUTH from "
         "Knot "
         "DNS; or the connection was closed). For strangers that is right. If "
         "this client is one of the zone's secondaries, it cannot refresh its "
         "copy, which will expire and then answer SERVFAIL.",
         "Allow the secondary's address, ideally together with a TSIG key, in "
         "this zone's transfer access list, and send it NOTIFY on changes.",
         fix_axfr_denied},
    [DP_FINDING_UPDATE_ACCEPTED] =
        {"Dynamic update accepted from this client",
         "The server answered NOERROR to an empty dynamic UPDATE from this "
         "client, so it would have applied real changes from this address. "
         "Unauthenticated updates let anyone who can reach the server rewrite "
         "the zone. dnsprobe's update carried no records and changed nothing.",
         "Allow dynamic updates only with a TSIG key (or only from the one "
         "host "
         "that must send them) and only for the names it needs; turn them off "
         "where no client needs them.",
         fix_update_accepted},
    [DP_FINDING_UPDATE_DENIED] =
        {"Dynamic update denied to this client",
         "The server refused the UPDATE (REFUSED, or NOTAUTH from Knot DNS or "
         "a "
         "non-primary). That protects the zone. A legitimate updater, such as "
         "a "
         "DHCP server, an ACME client or an nsupdate script, needs a key and a "
         "policy entry.",
         "For a legitimate updater, give it a TSIG key and allow that key to "
         "update the names it needs, on the zone's primary.",
         fix_update_denied},
    [DP_FINDING_UPDATE_NOT_SUPPORTED] =
        {"No dynamic update on this server",
         "The server answered NOTIMP to UPDATE: the software has no dynamic "
         "update (NSD, Unbound and most resolvers) or it is switched off, as "
         "with PowerDNS dnsupdate=no.",
         "Nothing to fix unless the zone must take dynamic updates; then run "
         "its "
         "primary on software that implements them (BIND, Knot DNS, PowerDNS, "
         "Windows DNS Server) and keep this server as a secondary.",
         fix_update_unsupported},
    [DP_FINDING_NOTIFY_ACCEPTED] =
        {"NOTIFY accepted from this client",
         "The server answered NOERROR to a NOTIFY from this client, so it "
         "would "
         "act on it by checking the zone's SOA and transferring. NOTIFY cannot "
         "change data, but accepting it from anyone lets outsiders trigger "
         "refresh traffic. BIND answers NOERROR for zones it is primary for "
         "even "
         "when it does nothing.",
         "Accept NOTIFY only from the zone's primary servers.",
         fix_notify_accepted},
    [DP_FINDING_NOTIFY_REFUSED] =
        {"NOTIFY refused from this client",
         "The server refused the NOTIFY (REFUSED or NOTAUTH) or ignored it. "
         "For "
         "strangers that is right. If this client is the zone's primary, the "
         "secondary notices changes only at its next SOA refresh, so updates "
         "reach it late.",
         "Allow NOTIFY from the zone's primary on the secondary, and make sure "
         "the zone is configured there as a secondary of that primary.",
         fix_notify_refused},
    [DP_FINDING_VERSION_DISCLOSED] =
        {"Software version disclosed",
         "The server tells anyone who asks (CH TXT version.bind) which "
         "software "
         "and version it runs. That is not a fault in itself, but it lets an "
         "attacker match the server against known vulnerabilities without "
         "probing further; most operators hide it and keep the version in "
         "their own inventory.",
         "Answer version.bind with nothing or a neutral text, and keep the "
         "software up to date either way.",
         fix_version},
    [DP_FINDING_OPCODE_NONCOMPLIANT] =
        {"Unknown opcode not answered with NOTIMP",
         "A query with an unassigned opcode got something other than NOTIMP, "
         "or "
         "no answer. RFC 8906 section 8.1.4 expects NOTIMP with the opcode "
         "echoed and no OPT record; clients and new protocol extensions rely "
         "on "
         "it to learn that an opcode is unsupported, and silence makes them "
         "wait "
         "for a timeout. Firewalls with DNS inspection and load balancers "
         "often "
         "cause it.",
         "Upgrade the server software, and test from inside the firewall to "
         "find "
         "a middlebox that drops or rewrites unknown opcodes; configure DNS "
         "inspection to pass them.",
         fix_opcode},
    [DP_FINDING_EDNS_NONCOMPLIANT] =
        {"EDNS handled incorrectly",
         "An EDNS compliance test (RFC 6891, RFC 8906 section 8) failed: "
         "FORMERR "
         "or silence with EDNS, no BADVERS to EDNS version 1, unknown options "
         "echoed, unknown flags not cleared, or the DO bit not copied. Broken "
         "EDNS breaks DNSSEC, large answers and cookies; resolvers stopped "
         "working around it at the 2019 DNS Flag Day.",
         "Upgrade the server software; find and fix firewalls or load "
         "balancers "
         "that drop or rewrite OPT records or large UDP packets; keep the EDNS "
         "buffer size at 1232 bytes (2020 DNS Flag Day).",
         fix_edns},
    [DP_FINDING_RATE_LIMITED] =
        {"Answers rate-limited (RRL)",
         "The server limits how many identical answers one client (or its /24) "
         "gets per second: response rate limiting (RRL), a defence against "
         "reflection attacks. Past the limit it drops answers, or sends some "
         "as "
         "an empty TC=1 reply (the slip) that a real client retries over TCP. "
         "A "
         "battery asks for the zone's SOA about ten times within milliseconds, "
         "so with a low limit the later EDNS tests got no real answer: the "
         "same question asked moments earlier was answered, so the server "
         "handles it and its EDNS; these probes could not test what they were "
         "for.",
         "Nothing is wrong for normal clients. To test this server fully, "
         "exempt "
         "the monitoring host from rate limiting (or raise the limit), or run "
         "dnsprobe with --spacing 250 so that its queries stay under the "
         "limit.",
         fix_rate_limited},
    [DP_FINDING_NO_ANSWER] =
        {"No reply to this probe",
         "This probe timed out while other probes to the same server got "
         "answers. Typical causes: a firewall or DNS-aware middlebox that "
         "drops "
         "certain requests (TCP, AXFR, UPDATE, NOTIFY, unknown opcodes, EDNS), "
         "a "
         "server that silently drops clients it does not serve (Unbound deny, "
         "PowerDNS Recursor allow-from), or response rate limiting.",
         "Repeat the probe, read the server's log and the firewall's drop "
         "counters; where silence is a policy, prefer an explicit REFUSED so "
         "clients do not wait for timeouts.",
         fix_no_answer},
    [DP_FINDING_UNEXPECTED_ANSWER] =
        {"Unexpected answer to this probe",
         "The probe got a well-formed reply whose RCODE fits none of the "
         "expected outcomes for this request: FORMERR to IXFR (Unbound rejects "
         "any query with an authority section), SERVFAIL to a transfer or "
         "update "
         "(the zone is broken on this server), NOTAUTH from a server that is "
         "not "
         "the zone's primary, or NXDOMAIN for the zone itself. It is not a "
         "security problem by itself, but it says the request does not work "
         "here the way it should.",
         "Read the RCODE's own explanation (dnsprobe explain CODE), compare "
         "with "
         "another server for the zone, and check the server's log for why it "
         "answered so; a SERVFAIL here usually means the zone is broken (see "
         "zone-servfail).",
         fix_unexpected},
    [DP_FINDING_MALFORMED_ANSWER] =
        {"Reply could not be read as DNS",
         "A reply came back that could not be parsed as a DNS message "
         "(truncated, wrong length, bad compression pointers, garbage) or did "
         "not match the query's ID and question. The usual causes are a "
         "middlebox or broken proxy, another program listening on the port, or "
         "a "
         "bug in the server.",
         "Capture the exchange on the client and on the server (tcpdump port "
         "53) "
         "and compare; check which process owns the port; look for DNS proxies "
         "in the path; upgrade the server.",
         fix_malformed},
    [DP_FINDING_DNSSEC_SIGNING] =
        {"The zone's DNSSEC, as this server serves it, fails a check",
         "The zone's DNSKEY, SOA or NSEC3PARAM RRset, asked with DO=1, came "
         "back with signatures that fail a check: expired or about to, not "
         "valid yet, not verifying, made by a key the zone does not "
         "publish, or with an algorithm or NSEC3 parameters that validators "
         "are dropping. Validating resolvers answer SERVFAIL for data whose "
         "signatures fail; the root cause says which check failed.",
         "Re-sign the zone with a signer that refreshes its signatures on "
         "its own, and make every change through the signer.",
         fix_dnssec_resign},
    [DP_FINDING_CASE_NOT_PRESERVED] =
        {"Question not echoed in its own case",
         "A reply carried the question in another case than it was asked "
         "(RFC 1035 4.1.2: a response copies the question). Resolvers that "
         "randomise the case of the names they ask (DNS 0x20, a defence "
         "against spoofed answers) compare the question byte for byte and "
         "drop such answers, then retry or give up. Two queries for the "
         "same name in two cases sent at the same moment tell a server that "
         "lowercases or rewrites the question from a forwarder that folds "
         "queries in flight and answers one with the other's question.",
         "Make the server, or whatever sits in front of it, return each "
         "question exactly as it was asked.",
         fix_case},
};

_Static_assert(sizeof(situations) / sizeof(situations[0]) == DP_FINDING_COUNT,
               "a row (or a hole) for every finding");

/* The finding keys: part of the JSON schema dnsprobe/1, never renamed. */
static const char *const finding_names[DP_FINDING_COUNT] = {
    [DP_FINDING_NONE] = "none",
    [DP_FINDING_ZONE_ROOT_DEFAULT] = "zone-root-default",
    [DP_FINDING_ZONE_LAME] = "zone-lame",
    [DP_FINDING_ZONE_SERVFAIL] = "zone-servfail",
    [DP_FINDING_ZONE_NOT_AUTHORITATIVE] = "zone-not-authoritative",
    [DP_FINDING_ZONE_UNEXPECTED] = "zone-unexpected",
    [DP_FINDING_TCP_UNAVAILABLE] = "tcp-unavailable",
    [DP_FINDING_UNREACHABLE] = "unreachable",
    [DP_FINDING_RECURSION_OPEN] = "recursion-open",
    [DP_FINDING_RECURSION_REFUSED] = "recursion-refused",
    [DP_FINDING_RECURSION_INCONSISTENT] = "recursion-inconsistent",
    [DP_FINDING_RECURSION_FAILING] = "recursion-failing",
    [DP_FINDING_RECURSION_DNSSEC] = "recursion-dnssec",
    [DP_FINDING_RECURSION_UPSTREAM] = "recursion-upstream",
    [DP_FINDING_AXFR_OPEN] = "axfr-open",
    [DP_FINDING_AXFR_DENIED] = "axfr-denied",
    [DP_FINDING_UPDATE_ACCEPTED] = "update-accepted",
    [DP_FINDING_UPDATE_DENIED] = "update-denied",
    [DP_FINDING_UPDATE_NOT_SUPPORTED] = "update-not-supported",
    [DP_FINDING_NOTIFY_ACCEPTED] = "notify-accepted",
    [DP_FINDING_NOTIFY_REFUSED] = "notify-refused",
    [DP_FINDING_VERSION_DISCLOSED] = "version-disclosed",
    [DP_FINDING_OPCODE_NONCOMPLIANT] = "opcode-noncompliant",
    [DP_FINDING_EDNS_NONCOMPLIANT] = "edns-noncompliant",
    [DP_FINDING_RATE_LIMITED] = "rate-limited",
    [DP_FINDING_NO_ANSWER] = "no-answer",
    [DP_FINDING_UNEXPECTED_ANSWER] = "unexpected-answer",
    [DP_FINDING_MALFORMED_ANSWER] = "malformed-answer",
    [DP_FINDING_EXPECTATION_FAILED] = "expectation-failed",
    [DP_FINDING_DNSSEC_SIGNING] = "dnssec-signing",
    [DP_FINDING_CASE_NOT_PRESERVED] = "case-not-preserved",
};

const char *dp_finding_tostr(dp_finding_t f)
{
  return (unsigned)f < DP_FINDING_COUNT ? finding_names[f] : "unknown";
}

dp_status_t dp_finding_fromstr(const char *key, dp_finding_t *f)
{
  if (key == NULL || f == NULL)
    return DP_EINVAL;
  for (unsigned i = 1; i < DP_FINDING_COUNT; i++)
    if (strcmp(finding_names[i], key) == 0)
    {
      *f = (dp_finding_t)i;
      return DP_OK;
    }
  return DP_EINVAL;
}

const struct dp_knowledge_situation *dp_knowledge_situation_get(dp_finding_t f)
{
  if ((unsigned)f >= DP_FINDING_COUNT || situations[f].title == NULL)
    return NULL;
  return &situations[f];
}

const struct dp_knowledge_fix *
dp_knowledge_situation_fix(const struct dp_knowledge_situation *s,
                           dp_software_t sw)
{
  if (s == NULL || s->fixes == NULL || sw == DP_SOFTWARE_UNKNOWN)
    return NULL;
  for (const struct dp_knowledge_fix *f = s->fixes; f->snippet != NULL; f++)
  {
    if (f->software == sw)
      return f;
  }
  return NULL;
}
