#!/usr/bin/env bash
# without-tools.sh CMD...: runs CMD on a machine that looks bare, to see what plain
# `go test` says there: Chromium, poppler-utils (pdftotext, pdffonts, pdftoppm) and the CJK
# fonts under /usr/share/fonts/truetype/droid are hidden from CMD (and only from it), in a
# private mount namespace. Needs root (or unprivileged user namespaces, tried with -r).
set -euo pipefail
hide=(chromium chromium-browser google-chrome google-chrome-stable pdftotext pdffonts pdftoppm)
inner=$(cat <<'INNER'
set -euo pipefail
tmp=$(mktemp -d /tmp/zhiyuan-bare.XXXXXX)
mkdir "$tmp/orig" "$tmp/bin" "$tmp/fonts"
mount --bind /usr/bin "$tmp/orig"
for f in "$tmp/orig"/*; do
  n=$(basename "$f")
  case " $HIDE " in *" $n "*) continue ;; esac
  ln -s "$tmp/orig/$n" "$tmp/bin/$n"
done
mount --bind "$tmp/bin" /usr/bin
[ ! -d /usr/share/fonts/truetype/droid ] || mount --bind "$tmp/fonts" /usr/share/fonts/truetype/droid
rc=0
"$@" || rc=$?
# Never rm -r here: $tmp/orig is /usr/bin itself until it is unmounted.
umount /usr/share/fonts/truetype/droid 2>/dev/null || true
umount /usr/bin
umount -l "$tmp/orig"
find "$tmp/bin" -maxdepth 1 -type l -delete
rmdir "$tmp/bin" "$tmp/fonts" "$tmp/orig" "$tmp" || true
exit $rc
INNER
)
if [ "$(id -u)" = 0 ]; then
  exec env HIDE="${hide[*]}" unshare -m --propagation private bash -c "$inner" bash "$@"
fi
exec env HIDE="${hide[*]}" unshare -r -m --propagation private bash -c "$inner" bash "$@"
