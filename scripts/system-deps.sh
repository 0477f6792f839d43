#!/usr/bin/env sh
# Debian packages Brygga needs (DESIGN.md): Pango/HarfBuzz for WeasyPrint, fonts, poppler-utils for
# the PDF tests, Chromium for the browser tests, gettext for translations. As root they are
# installed; otherwise the exact command is printed and the make target fails.
set -eu
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 poppler-utils chromium gettext"
missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
    echo "Brygga needs these Debian packages. Install them with:"
    echo "    sudo apt-get install -y$missing"
    exit 1
fi
