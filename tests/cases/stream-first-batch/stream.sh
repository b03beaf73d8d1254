# Output is written as each batch completes: feed a header and one batch
# (-b 2), wait for that batch's line, and only then send the rest.  If the
# line does not come, the read blocks and timeout(1) in cmd ends the case.
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
mkfifo "$tmp/in" "$tmp/out" || exit 2
rmsetab -b 2 -f csv <"$tmp/in" >"$tmp/out" &
exec 3>"$tmp/in" 4<"$tmp/out"
printf 'y_true,y_pred\n0,1\n0,7\n' >&3
IFS= read -r line <&4 && echo "$line"
IFS= read -r line <&4 && echo "$line"
echo '(the first batch came before the rest of the input)'
printf '1,8\n1,50\n' >&3
exec 3>&-
cat <&4
wait $!
