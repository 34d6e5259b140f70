#!/bin/sh
# Removes the hrdesk programs, its menu entry and its icons. Your vault, settings and
# translations stay where they are, so that a later installation finds them again.
#
#   ~/.local/lib/hrdesk/uninstall.sh                  keep your data (the usual choice)
#   ~/.local/lib/hrdesk/uninstall.sh --delete-data    also delete your vault and settings,
#                                                     after you type DELETE to confirm
#   sudo /opt/hrdesk/uninstall.sh --system            an installation for every user
#                                                     (each user's data is left alone)
#
# --yes skips the confirmation (for scripts).
set -eu

app_id=org.hrdesk.hrdesk
system=0
delete_data=0
assume_yes=0
for arg in "$@"; do
    case "$arg" in
    --system) system=1 ;;
    --delete-data) delete_data=1 ;;
    --yes) assume_yes=1 ;;
    -h | --help)
        awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"
        exit 0
        ;;
    *)
        echo "usage: $0 [--system] [--delete-data [--yes]]" >&2
        exit 2
        ;;
    esac
done

if [ "$system" -eq 1 ]; then
    if [ "$delete_data" -eq 1 ]; then
        echo "--delete-data works on your own installation only: each user deletes their own data" >&2
        exit 2
    fi
    lib_dir=/opt/hrdesk
    bin_dir=/usr/local/bin
    share_dir=/usr/local/share
else
    lib_dir="$HOME/.local/lib/hrdesk"
    bin_dir="$HOME/.local/bin"
    share_dir="${XDG_DATA_HOME:-$HOME/.local/share}"
fi
# Where hrdesk keeps your data (platformdirs' user data and config folders on Linux).
data_dir="${XDG_DATA_HOME:-$HOME/.local/share}/hrdesk"
config_dir="${XDG_CONFIG_HOME:-$HOME/.config}/hrdesk"

if [ "$delete_data" -eq 1 ] && [ -e "$data_dir" ] && [ "$assume_yes" -eq 0 ]; then
    echo "This deletes $data_dir: your vault with every case, note and attachment in it,"
    echo "your demo vault and your translations. It cannot be undone. Keep a backup"
    echo "(hrdesk backup FILE) or your recovery key if you may need the data again."
    printf 'Type DELETE to delete your data, anything else to keep it: '
    read -r answer || answer=""
    if [ "$answer" != "DELETE" ]; then
        echo "Your data is kept. Nothing was removed."
        exit 1
    fi
fi

if [ -L "$bin_dir/hrdesk" ] && [ "$(readlink "$bin_dir/hrdesk")" = "$lib_dir/hrdesk" ]; then
    rm -f "$bin_dir/hrdesk"
fi
rm -f "$share_dir/applications/$app_id.desktop" "$share_dir/metainfo/$app_id.metainfo.xml"
rm -f "$share_dir"/icons/hicolor/*/apps/"$app_id".png "$share_dir"/icons/hicolor/*/apps/"$app_id".svg
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$share_dir/applications" 2>/dev/null || true
fi
rm -rf "$lib_dir"
echo "hrdesk's programs are removed."

if [ "$delete_data" -eq 1 ]; then
    rm -rf "$data_dir" "$config_dir"
    echo "Your hrdesk data is deleted ($data_dir, $config_dir)."
elif [ -e "$data_dir" ]; then
    echo "Your data is kept in $data_dir (vault, settings in $config_dir)."
fi
