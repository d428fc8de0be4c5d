#!/bin/sh
# Create hoctap's data folder with the modes a province server needs, or put them back: after
# `hoctap restore` (which writes every folder 755) or whenever in doubt. Run as root:
#     sh deploy/data-folder.sh /srv/hoctap
# Trainees' JupyterLabs pass through the data folder to nbgrader's exchange and must reach
# nothing else in it. The exchange's modes are nbgrader 0.9.6's own (nbgrader/exchange/default/:
# release_assignment.py, release_feedback.py); fetched/ is hoctap's record of fetches.
set -eu
home=${1:-/srv/hoctap}
user=${HOCTAP_USER:-hoctap}

if [ "$(id -u)" -ne 0 ]; then
    echo "Chạy bằng root: sudo sh $0 $home" >&2
    exit 1
fi
folder() {  # mode path
    install -d -o "$user" -g "$user" -m "$1" "$2"
}

folder 711 "$home"                             # pass through, no listing
for sub in course hub logs quizzes contests backups; do
    folder 700 "$home/$sub"                    # the hoctap account's alone
done
folder 1777 "$home/exchange"                   # nbgrader: everyone writes in the exchange root;
                                               # sticky: only its owner renames the course in it
folder 755 "$home/exchange/hoctap"             # nbgrader: the course, read by all
folder 755 "$home/exchange/hoctap/outbound"    # nbgrader: released modules, read by all
folder 2733 "$home/exchange/hoctap/inbound"    # nbgrader: submissions, written but not listed
folder 711 "$home/exchange/hoctap/feedback"    # nbgrader: feedback, opened by hashed name only
folder 1733 "$home/exchange/hoctap/fetched"    # hoctap: who fetched what, written but not listed

# Anything else in the data folder (made by a newer hoctap, or by hand) is closed too.
for entry in "$home"/* "$home"/.[!.]*; do
    [ -e "$entry" ] || continue
    [ "$entry" = "$home/exchange" ] && continue
    chmod go-rwx "$entry"
done
echo "Thư mục dữ liệu $home: đã đặt chủ sở hữu $user và quyền truy cập."
