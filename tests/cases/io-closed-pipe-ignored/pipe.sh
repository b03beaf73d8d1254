# As io-closed-pipe, with SIGPIPE ignored (as some parents leave it): the
# write fails with EPIPE instead, an error like any failed write.
rows() { echo y_true,y_pred; awk 'BEGIN { for (i = 0; i < 100000; i++) print "0,1" }' 2>/dev/null; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap '' PIPE
{ rows | rmsetab -b 1 2>"$tmp/err"; echo $? >"$tmp/status"; } | head -n 1
echo "status $(cat "$tmp/status")"
cat "$tmp/err"
