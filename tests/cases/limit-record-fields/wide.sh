# A record may have 1048576 fields (2^20); one more is an error.
commas() { head -c "$1" /dev/zero | tr '\0' ,; }
# A header y_true,y_pred and rows 0,1 and 0,7, each with $1 empty fields
# more (after $1 commas); in quotes ($2) the header's first name.
rows() {
    printf '%sy_true%s,y_pred' "$2" "$2"; commas "$1"
    printf '\n0,1'; commas "$1"
    printf '\n0,7'; commas "$1"; echo
}
echo '-- 1048576 fields'
rows 1048574 | rmsetab -f csv 2>&1
echo '-- 1048576 fields, quoted'
rows 1048574 '"' | rmsetab -f csv 2>&1
echo '-- 1048577 fields'
rows 1048575 | rmsetab -f csv 2>&1
echo "-- 1048577 fields, quoted: status $?"
rows 1048575 '"' | rmsetab -f csv 2>&1
echo "-- in a data row: status $?"
{ echo y_true,y_pred; echo 0,1; commas 1048576; echo; } | rmsetab -f csv 2>&1
echo "status $?"
