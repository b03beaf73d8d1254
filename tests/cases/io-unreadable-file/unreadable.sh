# A file that cannot be read is an error naming it, before any output (all
# files are opened first).  Root reads any file, so as root the run drops
# the capabilities that let it (setpriv, util-linux) and is then refused
# like anyone else; the file is its own, with no permission at all.
tmp=$(mktemp -d) || exit 2
trap 'chmod 600 "$tmp/secret.csv"; rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
printf 'y_true,y_pred\n0,1\n' >"$tmp/secret.csv" && chmod 000 "$tmp/secret.csv" || exit 2
cp in.csv "$tmp/" || exit 2
cd "$tmp" || exit 2
if [ "$(id -u)" = 0 ]; then
    setpriv --bounding-set -dac_override,-dac_read_search -- rmsetab in.csv secret.csv
else
    rmsetab in.csv secret.csv
fi
