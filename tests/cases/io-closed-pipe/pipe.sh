# 100,000 rows in batches of 1 print about 5 MB, far more than a pipe
# holds, so rmsetab is still writing when head(1) exits after one line.
rows() { echo y_true,y_pred; awk 'BEGIN { for (i = 0; i < 100000; i++) print "0,1" }'; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
{ rows | rmsetab -b 1 2>"$tmp/err"; echo $? >"$tmp/status"; } | head -n 1
echo "status $(cat "$tmp/status")"
cat "$tmp/err"
