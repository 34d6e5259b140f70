#!/bin/sh
# Installs hrdesk from this folder (the unpacked tarball) for you alone, or for every
# user of the computer with --system (as root). Run it again to upgrade.
#
#   ./install.sh            programs in ~/.local/lib/hrdesk, the `hrdesk` command in
#                           ~/.local/bin, a menu entry and icons in ~/.local/share
#   sudo ./install.sh --system
#                           programs in /opt/hrdesk, the command in /usr/local/bin,
#                           the menu entry and icons in /usr/local/share
#   ./install.sh --user     the first form, also when run as root (for root alone)
#
# Your vault is never touched: it lives in your user data folder
# (~/.local/share/hrdesk), apart from the programs.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
app_id=org.hrdesk.hrdesk

usage() {
    echo "usage: $0 [--system | --user]" >&2
    exit 2
}

system=0
user=0
for arg in "$@"; do
    case "$arg" in
    --system) system=1 ;;
    --user) user=1 ;;
    -h | --help)
        awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"
        exit 0
        ;;
    *) usage ;;
    esac
done

if [ "$system" -eq 1 ] && [ "$user" -eq 1 ]; then
    usage
fi
if [ "$system" -eq 1 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "--system installs for every user: run it as root (sudo $0 --system)" >&2
        exit 1
    fi
    lib_dir=/opt/hrdesk
    bin_dir=/usr/local/bin
    share_dir=/usr/local/share
else
    if [ "$(id -u)" -eq 0 ] && [ "$user" -eq 0 ]; then
        echo "You are root: this would install hrdesk for root alone (--user does that)." >&2
        echo "Run it as yourself, or use --system to install it for every user." >&2
        exit 1
    fi
    lib_dir="$HOME/.local/lib/hrdesk"
    bin_dir="$HOME/.local/bin"
    share_dir="${XDG_DATA_HOME:-$HOME/.local/share}"
fi

if [ ! -x "$here/hrdesk/hrdesk" ]; then
    echo "$here/hrdesk/hrdesk is missing: unpack the whole archive and run install.sh from it" >&2
    exit 1
fi

# The programs: replaced as a whole, so that no file of an older version stays behind.
mkdir -p "$(dirname "$lib_dir")"
rm -rf "$lib_dir.new"
cp -R "$here/hrdesk" "$lib_dir.new"
cp "$here/uninstall.sh" "$lib_dir.new/uninstall.sh"
chmod 755 "$lib_dir.new/uninstall.sh"
rm -rf "$lib_dir"
mv "$lib_dir.new" "$lib_dir"

mkdir -p "$bin_dir"
ln -sf "$lib_dir/hrdesk" "$bin_dir/hrdesk"

# The menu entry names the program by its full path: a desktop session does not always
# have ~/.local/bin on its PATH.
mkdir -p "$share_dir/applications" "$share_dir/metainfo"
sed -e "s|^Exec=hrdesk|Exec=$lib_dir/hrdesk|" -e "s|^TryExec=hrdesk|TryExec=$lib_dir/hrdesk|" \
    "$here/share/applications/$app_id.desktop" >"$share_dir/applications/$app_id.desktop"
cp "$here/share/metainfo/$app_id.metainfo.xml" "$share_dir/metainfo/"
for icon in "$here"/share/icons/hicolor/*/apps/"$app_id".*; do
    size_dir=$(basename "$(dirname "$(dirname "$icon")")")
    mkdir -p "$share_dir/icons/hicolor/$size_dir/apps"
    cp "$icon" "$share_dir/icons/hicolor/$size_dir/apps/"
done

# Menus and icon caches pick the new entry up at once where these tools exist.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$share_dir/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$share_dir/icons/hicolor" 2>/dev/null || true
fi

echo "hrdesk $("$lib_dir/hrdesk" --version | sed 's/^hrdesk //') is installed in $lib_dir."
echo "Start it from your applications menu, or run: $bin_dir/hrdesk"
case ":$PATH:" in
*":$bin_dir:"*) ;;
*) echo "($bin_dir is not on your PATH yet: it usually is after you log in again.)" ;;
esac
echo "To remove it later: $lib_dir/uninstall.sh$([ "$system" -eq 1 ] && echo ' --system')"

# The desktop window needs a few X11 libraries that most desktops have; say which are
# missing, with the package names of the common distributions.
plugin="$lib_dir/_internal/PySide6/Qt/plugins/platforms/libqxcb.so"
if command -v ldd >/dev/null 2>&1 && [ -f "$plugin" ]; then
    missing=$(LD_LIBRARY_PATH="$lib_dir/_internal:$lib_dir/_internal/PySide6/Qt/lib" \
        ldd "$plugin" 2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')
    if [ -n "$missing" ]; then
        echo
        echo "Note: the window may not open on X11: your system lacks $missing"
        echo "  Debian, Ubuntu: sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0"
        echo "  Fedora:         sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms libxkbcommon-x11"
    fi
fi
