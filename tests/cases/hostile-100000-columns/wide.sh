# A header c1..c100000 and two rows: the first 50000 columns 0, the other
# 50000 1 on the first row and 7 on the second.
rows() {
    awk 'BEGIN {
        n = 100000
        for (r = 0; r < 3; r++) {
            for (i = 1; i <= n; i++) {
                v = r == 0 ? "c" i : i <= n / 2 ? 0 : r == 1 ? 1 : 7
                printf "%s%s", (i > 1 ? "," : ""), v
            }
            printf "\n"
        }
    }'
}
rows | rmsetab -s -f csv -t c1-c50000 -p c50001-c100000
rows | rmsetab -s -f csv -t 50000 -p c100000
rows | rmsetab -s -f csv -t 1,c2 -p c99999-100000
