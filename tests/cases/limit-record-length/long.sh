# Records of exactly 64 MiB (67108864 bytes: fields and delimiters, without
# the line end or the quotes of a quoted field) are read; one byte more is
# an error naming the line where the record starts.  Each way a record is
# read: through a pipe and from a file, split where it lies and by libcsv
# (after a quote), and a last record with no line end.
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
max=67108864
a() { head -c "$1" /dev/zero | tr '\0' a; }
# A header and the rows "0,1,NOTE" (NOTE of $1 bytes, in quotes $2) and
# "0,7,b": errors 1 and 7.
rows() {
    printf '%sy_true%s,y_pred,note\n0,1,%s' "$2" "$2" "$2"
    a "$1"
    printf '%s\n0,7,b\n' "$2"
}
echo '-- exactly 64 MiB, pipe'
rows $((max - 4)) | rmsetab -f csv 2>&1
echo '-- exactly 64 MiB, file'
rows $((max - 4)) >"$tmp/in.csv" && rmsetab -f csv "$tmp/in.csv" 2>&1
echo '-- exactly 64 MiB, quoted'
rows $((max - 4)) '"' | rmsetab -f csv 2>&1
echo '-- one byte more, pipe'
rows $((max - 3)) | rmsetab -f csv 2>&1
echo "-- one byte more, file: status $?"
rows $((max - 3)) >"$tmp/in.csv" && (cd "$tmp" && rmsetab -f csv in.csv 2>&1)
echo "-- one byte more, quoted: status $?"
rows $((max - 3)) '"' | rmsetab -f csv 2>&1
echo "-- the header, one byte more: status $?"
{ printf 'y_true,y_pred,'; a $((max - 13)); printf '\n0,1\n'; } | rmsetab 2>&1
echo "-- the last record, no line end, one byte more: status $?"
{ printf 'y_true,y_pred,note\n0,1,b\n\n0,7,'; a $((max - 3)); } | rmsetab 2>&1
echo "status $?"
