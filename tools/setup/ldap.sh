#!/usr/bin/env bash
# A directory for the LDAP sign-in tests: Debian's slapd (OpenLDAP 2.5), owned by this script: its own
# slapd.conf, database and test CA under /var/lib/capstan-ldap, 127.0.0.1 only.
#   ldap://127.0.0.1:55389   plain LDAP and StartTLS (server certificate signed by the test CA)
#   ldaps://127.0.0.1:55636  LDAPS
#   ldaps://127.0.0.1:55637  LDAPS that demands a client certificate signed by the test CA: a second slapd
#                            (back-ldap, proxying binds and searches to the first), since TLSVerifyClient is global
# Suffix dc=capstan,dc=test; a reader account cn=reader,dc=capstan,dc=test (read-only on the tree);
# users alice, bob, carol, dave under ou=people (posixAccount-free inetOrgPerson, uid = user name);
# groupOfNames groups under ou=groups: developers (alice + the nested group frontend), frontend (dave),
# ops (bob), capstan-admins (carol). The tests add and change their own entries as the root DN.
# Prints and writes to /tmp/capstan-ldap.env (0600): CAPSTAN_TEST_LDAP_URL, CAPSTAN_TEST_LDAPS_URL,
# CAPSTAN_TEST_LDAP_CA (PEM file), CAPSTAN_TEST_LDAP_BASE, CAPSTAN_TEST_LDAP_READER_DN/_PASSWORD,
# CAPSTAN_TEST_LDAP_ROOT_DN/_PASSWORD, CAPSTAN_TEST_LDAP_USER_PASSWORD (every seeded user's),
# CAPSTAN_TEST_LDAP_PIDFILE and CAPSTAN_TEST_LDAP_START (a command that starts slapd again),
# CAPSTAN_TEST_LDAP_MTLS_URL, CAPSTAN_TEST_LDAP_CLIENT_CERT / _CLIENT_KEY (PEM files of a client certificate).
#
# Env: CAPSTAN_LDAP_PORT (55389), CAPSTAN_LDAPS_PORT (55636), CAPSTAN_LDAP_MTLS_PORT (55637),
#      CAPSTAN_LDAP_DIR (/var/lib/capstan-ldap),
#      CAPSTAN_LDAP_ENV_FILE (/tmp/capstan-ldap.env), CAPSTAN_LDAP_TIMEOUT (s, 20).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BASE="${CAPSTAN_LDAP_DIR:-/var/lib/capstan-ldap}"
PORT="${CAPSTAN_LDAP_PORT:-55389}"
SPORT="${CAPSTAN_LDAPS_PORT:-55636}"
MPORT="${CAPSTAN_LDAP_MTLS_PORT:-55637}"
ENV_FILE="${CAPSTAN_LDAP_ENV_FILE:-/tmp/capstan-ldap.env}"
TIMEOUT="${CAPSTAN_LDAP_TIMEOUT:-20}"
SUFFIX='dc=capstan,dc=test'
ROOT_DN="cn=admin,$SUFFIX"
READER_DN="cn=reader,$SUFFIX"
CONF="$BASE/slapd.conf"
PIDFILE="$BASE/slapd.pid"
MCONF="$BASE/slapd-mtls.conf"
MPIDFILE="$BASE/slapd-mtls.pid"
TLS="$BASE/tls"

require_root
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || apt_install slapd ldap-utils
command -v ldapsearch >/dev/null || apt_install ldap-utils
command -v openssl >/dev/null || apt_install openssl

mkdir -p "$BASE/data" "$TLS"
chmod 0700 "$BASE"

secret() { # secret <file>: generated once, kept beside the directory (0600)
  [ -s "$1" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$1")
  cat "$1"
}
ROOT_PW="$(secret "$BASE/root.password")"
READER_PW="$(secret "$BASE/reader.password")"
USER_PW="$(secret "$BASE/user.password")"

# --- test CA and server certificate (127.0.0.1 and localhost), made once.
if [ ! -s "$TLS/server.pem" ]; then
  log "ldap: making a test CA and a server certificate in $TLS"
  (umask 077
   openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=Capstan test LDAP CA' \
     -keyout "$TLS/ca.key" -out "$TLS/ca.pem" 2>/dev/null
   openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
   printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$TLS/ext.cnf"
   openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial -days 3650 \
     -extfile "$TLS/ext.cnf" -out "$TLS/server.pem" 2>/dev/null)
  chmod 0644 "$TLS/ca.pem"
fi
# --- a client certificate for the client-certificate front, made once (signed by the same test CA).
if [ ! -s "$TLS/client.pem" ]; then
  log "ldap: making a client certificate in $TLS"
  (umask 077
   openssl req -newkey rsa:2048 -nodes -subj '/CN=capstan-test-client' -keyout "$TLS/client.key" -out "$TLS/client.csr" 2>/dev/null
   printf 'extendedKeyUsage=clientAuth\n' >"$TLS/client-ext.cnf"
   openssl x509 -req -in "$TLS/client.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial -days 3650 \
     -extfile "$TLS/client-ext.cnf" -out "$TLS/client.pem" 2>/dev/null)
  chmod 0644 "$TLS/client.pem" "$TLS/client.key"
fi

hash_pw() { slappasswd -s "$1"; }

slapd_pid() { # slapd_pid [pidfile]
  local p
  p="$(cat "${1:-$PIDFILE}" 2>/dev/null)" || return 1
  [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = slapd ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null && echo "$p"
}
stop_slapd() { # stop_slapd <pidfile>: a slapd of ours that does not answer is stopped before it is started again
  local pid
  pid="$(slapd_pid "$1")" || return 0
  log "ldap: slapd pid $pid ($1) does not answer; restarting it"
  kill "$pid" 2>/dev/null || true
  wait_for 10 bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
}
reader_ok() {
  LDAPTLS_CACERT="$TLS/ca.pem" ldapsearch -x -H "ldap://127.0.0.1:$PORT" -D "$READER_DN" -w "$READER_PW" \
    -b "$SUFFIX" -s base '(objectClass=*)' dn >/dev/null 2>&1
}

START_CMD="slapd -f $CONF -h 'ldap://127.0.0.1:$PORT/ ldaps://127.0.0.1:$SPORT/'"
if pid="$(slapd_pid)" && reader_ok; then
  log "ldap: slapd already running (pid $pid) on 127.0.0.1:$PORT and :$SPORT"
else
  stop_slapd "$PIDFILE"
  (umask 077; cat >"$CONF" <<CONF
# Written by Capstan tools/setup/ldap.sh; rewritten on every start.
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $PIDFILE
argsfile $BASE/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile $TLS/ca.pem
TLSCertificateFile $TLS/server.pem
TLSCertificateKeyFile $TLS/server.key
loglevel none
database mdb
maxsize 104857600
suffix "$SUFFIX"
rootdn "$ROOT_DN"
rootpw $(hash_pw "$ROOT_PW")
directory $BASE/data
index objectClass eq
index uid,cn eq
index member eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="$READER_DN" read by self read by anonymous auth by * none
CONF
  )
  log "ldap: starting slapd on 127.0.0.1:$PORT (LDAP, StartTLS) and :$SPORT (LDAPS)"
  eval "$START_CMD"
  wait_for "$TIMEOUT" bash -c "LDAPTLS_CACERT=$TLS/ca.pem ldapsearch -x -H ldap://127.0.0.1:$PORT -s base -b '' namingContexts" \
    || die "slapd did not answer on 127.0.0.1:$PORT within ${TIMEOUT}s (try: slapd -d 1 -f $CONF)"
fi

root() { "$@" -x -H "ldap://127.0.0.1:$PORT" -D "$ROOT_DN" -w "$ROOT_PW"; }
if ! root ldapsearch -b "$SUFFIX" -s base '(objectClass=*)' dn >/dev/null 2>&1; then
  log "ldap: seeding $SUFFIX"
  UH="$(hash_pw "$USER_PW")"
  root ldapadd >/dev/null <<LDIF
dn: $SUFFIX
objectClass: dcObject
objectClass: organization
o: Capstan test
dc: capstan

dn: $READER_DN
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: $(hash_pw "$READER_PW")

dn: ou=people,$SUFFIX
objectClass: organizationalUnit
ou: people

dn: ou=groups,$SUFFIX
objectClass: organizationalUnit
ou: groups
$(for u in alice bob carol dave; do printf '\ndn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\nmail: %s@capstan.test\nuserPassword: %s\n' "$u" "$SUFFIX" "$u" "$u" "$u" "$u" "$UH"; done)

dn: cn=frontend,ou=groups,$SUFFIX
objectClass: groupOfNames
cn: frontend
member: uid=dave,ou=people,$SUFFIX

dn: cn=developers,ou=groups,$SUFFIX
objectClass: groupOfNames
cn: developers
member: uid=alice,ou=people,$SUFFIX
member: cn=frontend,ou=groups,$SUFFIX

dn: cn=ops,ou=groups,$SUFFIX
objectClass: groupOfNames
cn: ops
member: uid=bob,ou=people,$SUFFIX

dn: cn=capstan-admins,ou=groups,$SUFFIX
objectClass: groupOfNames
cn: capstan-admins
member: uid=carol,ou=people,$SUFFIX
LDIF
fi

# --- the client-certificate front: a second slapd whose only database proxies to the first (back-ldap), on an
# LDAPS port that refuses a TLS handshake without a client certificate signed by the test CA.
MSTART_CMD="slapd -f $MCONF -h 'ldaps://127.0.0.1:$MPORT/'"
mtls_ok() {
  LDAPTLS_CACERT="$TLS/ca.pem" LDAPTLS_CERT="$TLS/client.pem" LDAPTLS_KEY="$TLS/client.key" \
    ldapwhoami -x -H "ldaps://127.0.0.1:$MPORT" -D "$READER_DN" -w "$READER_PW" >/dev/null 2>&1
}
if pid="$(slapd_pid "$MPIDFILE")" && mtls_ok; then
  log "ldap: client-certificate front already running (pid $pid) on 127.0.0.1:$MPORT"
else
  stop_slapd "$MPIDFILE"
  (umask 077; cat >"$MCONF" <<CONF
# Written by Capstan tools/setup/ldap.sh; rewritten on every start.
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $MPIDFILE
argsfile $BASE/slapd-mtls.args
modulepath /usr/lib/ldap
moduleload back_ldap
TLSCACertificateFile $TLS/ca.pem
TLSCertificateFile $TLS/server.pem
TLSCertificateKeyFile $TLS/server.key
TLSVerifyClient demand
loglevel none
database ldap
suffix "$SUFFIX"
uri "ldap://127.0.0.1:$PORT/"
CONF
  )
  log "ldap: starting the client-certificate front on 127.0.0.1:$MPORT (LDAPS, client certificate required)"
  eval "$MSTART_CMD"
  wait_for "$TIMEOUT" mtls_ok || die "the client-certificate front did not answer on 127.0.0.1:$MPORT (try: slapd -d 1 -f $MCONF)"
fi
LDAPTLS_CACERT="$TLS/ca.pem" ldapwhoami -x -H "ldaps://127.0.0.1:$MPORT" -D "$READER_DN" -w "$READER_PW" >/dev/null 2>&1 \
  && die "the client-certificate front let a client in without a certificate"

# Checks: the reader reads, a user binds over StartTLS and LDAPS with the test CA.
reader_ok || die "the reader cannot search $SUFFIX"
LDAPTLS_CACERT="$TLS/ca.pem" ldapwhoami -x -ZZ -H "ldap://127.0.0.1:$PORT" -D "uid=alice,ou=people,$SUFFIX" -w "$USER_PW" >/dev/null \
  || die "alice cannot bind over StartTLS"
LDAPTLS_CACERT="$TLS/ca.pem" ldapwhoami -x -H "ldaps://127.0.0.1:$SPORT" -D "uid=alice,ou=people,$SUFFIX" -w "$USER_PW" >/dev/null \
  || die "alice cannot bind over LDAPS"

(umask 077; cat >"$ENV_FILE" <<ENV
CAPSTAN_TEST_LDAP_URL=ldap://127.0.0.1:$PORT
CAPSTAN_TEST_LDAPS_URL=ldaps://127.0.0.1:$SPORT
CAPSTAN_TEST_LDAP_CA=$TLS/ca.pem
CAPSTAN_TEST_LDAP_BASE=$SUFFIX
CAPSTAN_TEST_LDAP_READER_DN=$READER_DN
CAPSTAN_TEST_LDAP_READER_PASSWORD=$READER_PW
CAPSTAN_TEST_LDAP_ROOT_DN=$ROOT_DN
CAPSTAN_TEST_LDAP_ROOT_PASSWORD=$ROOT_PW
CAPSTAN_TEST_LDAP_USER_PASSWORD=$USER_PW
CAPSTAN_TEST_LDAP_PIDFILE=$PIDFILE
CAPSTAN_TEST_LDAP_START="$START_CMD"
CAPSTAN_TEST_LDAP_MTLS_URL=ldaps://127.0.0.1:$MPORT
CAPSTAN_TEST_LDAP_CLIENT_CERT=$TLS/client.pem
CAPSTAN_TEST_LDAP_CLIENT_KEY=$TLS/client.key
ENV
)
chmod 0600 "$ENV_FILE"
log "ldap: slapd $(slapd -VV 2>&1 | sed -n 's/.*slapd \([0-9.]*\).*/\1/p' | head -1) ready: ldap://127.0.0.1:$PORT (StartTLS), ldaps://127.0.0.1:$SPORT, ldaps://127.0.0.1:$MPORT (client certificate), suffix $SUFFIX; written to $ENV_FILE"
sed 's/\(PASSWORD=\).*/\1***/' "$ENV_FILE"
