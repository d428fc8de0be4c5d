#!/bin/sh
# Create hoctap's PostgreSQL roles and databases (setup.sql) with fresh passwords, and write the
# three database URLs into the env file. Run as root on the database server, once:
#     sh deploy/postgresql/setup.sh /etc/hoctap/hoctap.env
# The env file must exist (a copy of deploy/hoctap.env.example); its lines HOCTAP_DB_URL,
# HOCTAP_GRADEBOOK_URL (if present) and HOCTAP_HUB_DB_URL are replaced. It refuses to run once
# they hold real passwords: to change a password, ALTER ROLE by hand and edit the file.
# PGPORT (default 5432) selects another cluster; the URLs point at 127.0.0.1 on that port.
set -eu
env_file=${1:-/etc/hoctap/hoctap.env}
here=$(dirname "$0")
port=${PGPORT:-5432}

if [ "$(id -u)" -ne 0 ]; then
    echo "Chạy bằng root: sudo sh $0 $env_file" >&2
    exit 1
fi
if [ ! -f "$env_file" ]; then
    echo "Chưa có $env_file. Chép mẫu trước: install -m 600 deploy/hoctap.env.example $env_file" >&2
    exit 1
fi
if ! grep -Eq '^(HOCTAP_DB_URL|HOCTAP_HUB_DB_URL)=.*CHANGE-ME' "$env_file"; then
    echo "$env_file đã có mật khẩu cơ sở dữ liệu: không làm gì." >&2
    exit 1
fi

HOCTAP_PW=$(openssl rand -hex 24)
HUB_PW=$(openssl rand -hex 24)
export HOCTAP_PW HUB_PW PORT="$port"

# The passwords reach psql on standard input and awk through its environment: neither shows
# in the process list.
{
    printf '\\set hoctap_password %s\n\\set hub_password %s\n' "$HOCTAP_PW" "$HUB_PW"
    cat "$here/setup.sql"
} | runuser -u postgres -- psql -X -q -d postgres

tmp=$(mktemp "$env_file.XXXXXX")
awk '
    /^HOCTAP_DB_URL=/ {
        print "HOCTAP_DB_URL=postgresql+psycopg://hoctap:" ENVIRON["HOCTAP_PW"] "@127.0.0.1:" ENVIRON["PORT"] "/hoctap"; next }
    /^HOCTAP_GRADEBOOK_URL=/ {
        print "HOCTAP_GRADEBOOK_URL=postgresql+psycopg://hoctap:" ENVIRON["HOCTAP_PW"] "@127.0.0.1:" ENVIRON["PORT"] "/hoctap_gradebook"; next }
    /^HOCTAP_HUB_DB_URL=/ {
        print "HOCTAP_HUB_DB_URL=postgresql+psycopg://jupyterhub:" ENVIRON["HUB_PW"] "@127.0.0.1:" ENVIRON["PORT"] "/jupyterhub"; next }
    { print }
' "$env_file" > "$tmp"
chmod 600 "$tmp"
mv "$tmp" "$env_file"
echo "Đã tạo vai trò hoctap, jupyterhub và các cơ sở dữ liệu hoctap, hoctap_gradebook, jupyterhub."
echo "Đã ghi địa chỉ cơ sở dữ liệu (kèm mật khẩu) vào $env_file."
