#!/bin/sh
# rmsetab's numbers against the exact reference (tests/reference.py), bit
# for bit (make check-reference).
# usage: sh tests/check-reference.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

gen() { python3 "$tests/gen.py" "$@"; }

# verdict NAME STATUS: says ok or FAIL (with rmsetab's messages and the start
# of the difference), then clears the files of one check.
verdict() {
    if [ "$2" = 0 ]; then
        pass "$1"
    else
        fail "$1"
        cat "$tmp/stderr" "$tmp/diff" 2>/dev/null | head -n 20 | sed 's/^/    /'
    fi
    rm -f "$tmp/expected" "$tmp/actual" "$tmp/stderr" "$tmp/diff"
}

# ref NAME ARGS...: the reference and rmsetab get the very same options and files,
# so a failure can only come from how the numbers are computed or printed.
ref() {
    name=$1
    shift
    if python3 "$tests/reference.py" "$@" >"$tmp/expected" &&
        "$bin" -f csv "$@" >"$tmp/actual" 2>"$tmp/stderr" &&
        python3 "$tests/compare.py" "$tmp/expected" "$tmp/actual" >"$tmp/diff" 2>&1; then
        verdict "$name" 0
    else
        verdict "$name" 1
    fi
}

# bound NAME PAIRS ARGS...: r2, bias and max_error against their exact values
# and the bounds of the man page (Accuracy), by tests/bound-check.py, where the
# sums cannot be exact.
bound() {
    name=$1 pairs=$2
    shift 2
    if python3 "$tests/reference.py" --exact -c mae,r2,bias,max_error "$@" \
        >"$tmp/expected" &&
        "$bin" -f csv -c mae,r2,bias,max_error "$@" >"$tmp/actual" \
            2>"$tmp/stderr" &&
        python3 "$tests/bound-check.py" "$pairs" "$tmp/expected" "$tmp/actual" \
            >"$tmp/diff" 2>&1; then
        verdict "$name" 0
    else
        verdict "$name" 1
    fi
}

# ref_layout NAME FORMAT PRECISION ARGS...: the table or Markdown output, byte
# for byte, against the reference's numbers laid out by tests/layout.py.
ref_layout() {
    name=$1 format=$2 precision=$3
    shift 3
    if python3 "$tests/reference.py" "$@" |
        python3 "$tests/layout.py" --format "$format" --precision "$precision" \
            >"$tmp/expected" &&
        "$bin" -f "$format" --precision "$precision" "$@" >"$tmp/actual" \
            2>"$tmp/stderr" &&
        diff -u "$tmp/expected" "$tmp/actual" >"$tmp/diff"; then
        verdict "$name" 0
    else
        verdict "$name" 1
    fi
}

# Generation failing would make every case below fail for the wrong reason: stop early.
if ! { gen --seed 1 --rows 1000 --pairs 1 >"$tmp/a.csv" &&
    gen --seed 2 --rows 500 --pairs 3 --weights --epoch-col --epochs 4 >"$tmp/b.csv" &&
    gen --seed 3 --rows 300 --pairs 10 >"$tmp/c1.csv" &&
    gen --seed 4 --rows 257 --pairs 10 >"$tmp/c2.csv" &&
    gen --seed 6 --rows 12000 --pairs 3 --weights --epoch-col --epochs 3 >"$tmp/d.csv" &&
    gen --seed 5 --rows 400 --pairs 2 --weights --extreme >"$tmp/x.csv" &&
    gen --seed 6 --rows 300 --pairs 1 --extreme >"$tmp/x1.csv" &&
    gen --seed 7 --rows 3000 --pairs 2 --weights --offset 1e8 >"$tmp/o8.csv" &&
    gen --seed 8 --rows 3000 --pairs 2 --weights --offset 1e15 >"$tmp/o15.csv" &&
    gen --seed 9 --rows 12000 --pairs 2 --weights >"$tmp/e.csv" &&
    gen --seed 10 --rows 20000 --pairs 1 >"$tmp/e1.csv" &&
    gen --seed 11 --rows 3000 --pairs 2 --weights --epoch-col --epochs 3 --groups 7 >"$tmp/g.csv" &&
    gen --seed 12 --rows 200 --pairs 2 --weights --epoch-col --groups 9 >"$tmp/g2.csv"; }; then
    echo "check-reference: gen.py failed" >&2
    exit 2
fi
# Batch 2 (rows 3-4) has only zero weights: its rmse must be nan, and nan must then
# stick to mean_batch_rmse until the next reset, while running_rmse stays defined.
cat >"$tmp/zero.csv" <<'EOF'
epoch,t,p,w
a,0,1,1
a,0,7,1
a,2,5,0
a,-1,1,0
a,1e-3,-2.5e2,0.5
b,0,0,0
b,3,4,2
EOF

# Errors near the largest double, of both signs, in two pairs: every sum and every mean
# (of batch values, of per-row losses, of per-output values) must be scaled, or it
# overflows where the value it stands for is finite.
cat >"$tmp/near-max.csv" <<'EOF'
t1,t2,p1,p2
-0.75e308,-0.75e308,0.75e308,0.75e308
-0.8e308,0.8e308,0.8e308,-0.8e308
0.75e308,-0.75e308,-0.75e308,0.75e308
EOF

ten='1,2,3,4,5,6,7,8,9,10'
twenty='11,12,13,14,15,16,17,18,19,20'

# 1000 = 31*32 + 8: a short last batch.
ref single-pair -b 32 -t 1 -p 2 "$tmp/a.csv"
# 500 rows in 4 epochs of 125 = 17*7 + 6; weights include exact zeros.
ref epochs-reset -b 7 -r epoch -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
ref epochs-never -b 7 -r never -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
ref two-files -b 32 -r never -t "$ten" -p "$twenty" "$tmp/c1.csv" "$tmp/c2.csv"
ref summary -s -b 7 -r never -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
ref seed-example -b 32 -r never -t "$ten" -p "$twenty" \
    data/keras-seed-example.csv data/keras-seed-example.csv
# Values and weights of every magnitude from 2^-1074 to 2^1023: squares and
# sums beyond binary64, subnormal RMSEs, and now and then an RMSE beyond the
# largest double (inf).
ref extremes -b 3 -t 1,2 -p 3,4 -w 5 "$tmp/x.csv"
ref extremes-never -b 5 -r never -t 1 -p 2 "$tmp/x1.csv" "$tmp/x1.csv"
ref zero-weights -b 2 -e 1 -t 2 -p 3 -w 4 "$tmp/zero.csv"
ref zero-weights-never -b 2 -r never -e 1 -t 2 -p 3 -w 4 "$tmp/zero.csv"
# -g: each group is the reference run on the rows of that group alone (groups of
# unsorted keys, weights, several epochs of a column, several files).
all='rmse,mean_batch_rmse,running_rmse,mse,running_mse,mae,running_mae,row_loss,mean_row_loss,per_output,uniform_rmse,weight'
ref groups-epochs -b 5 -e 1 -t 2,3 -p 4,5 -w 6 -g 7 -c "$all" "$tmp/g.csv"
ref groups-batches --batches -b 5 -r never -e 1 -t 2,3 -p 4,5 -w 6 -g 7 "$tmp/g.csv"
ref groups-files --batches -b 3 -t 2,3 -p 4,5 -w 6 -g 7 "$tmp/g.csv" "$tmp/g2.csv"
ref groups-files-never -b 3 -r never -t 2,3 -p 4,5 -g 7 -c "$all" "$tmp/g.csv" "$tmp/g2.csv"
ref groups-composite -b 4 -t 2,3 -p 4,5 -w 6 -g 7,1 "$tmp/g.csv"
ref groups-float32 --dtype float32 -b 4 -e 1 -t 2,3 -p 4,5 -w 6 -g 7 "$tmp/g.csv"
# r2 where sums of t and t^2 would lose every digit: true values near 1e8 and
# 1e15 (of both signs) with a spread of about 1, and every 50th row far off
# with a weight of 1e-300, which a sum around it would take as its centre
# (gen.py --offset).  Bit for bit, in short and long batches, over two epochs.
for o in o8 o15; do
    for b in 7 1000; do
        ref "offset $o -b $b" -c r2,bias,max_error,uniform_rmse -b $b -r never \
            -t 1,2 -p 3,4 -w 5 "$tmp/$o.csv" "$tmp/$o.csv"
    done
done
# Files of several blocks with no epoch column, which the reader's fused loop
# reads where the measures need only squared errors and weights (the rmse
# alone here): r2, bias and max_error need more of each row, so they take the
# general path, and must come out as exact as ever beside the rmse.
ref "fast path rmse" -b 100 -t 1,2 -p 3,4 -w 5 "$tmp/e.csv"
ref "fast path r2,bias,max_error" \
    -c rmse,mean_batch_rmse,running_rmse,r2,bias,max_error -b 100 \
    -t 1,2 -p 3,4 -w 5 "$tmp/e.csv"
ref "fast path rmse, one pair" -b 32 -t 1 -p 2 "$tmp/e1.csv"
ref "fast path r2,bias,max_error, one pair" \
    -c rmse,mean_batch_rmse,r2,bias,max_error -b 32 -t 1 -p 2 "$tmp/e1.csv"
# Values and weights of every magnitude: bias and r2 within their bounds, where a
# result on a subnormal's halfway point is taken as a tie.
bound "bounds extremes" 2 -b 3 -t 1,2 -p 3,4 -w 5 "$tmp/x.csv"
bound "bounds extremes one epoch" 2 -b 1000 -t 1,2 -p 3,4 -w 5 "$tmp/x.csv"
bound "bounds extremes-never" 1 -b 5 -r never -t 1 -p 2 "$tmp/x1.csv" "$tmp/x1.csv"
bound "bounds groups" 2 -b 5 -e 1 -t 2,3 -p 4,5 -w 6 -g 7 "$tmp/g.csv"

# Every precision, on numbers of many magnitudes (gen.py's errors span several
# decades), in both formats for people.
for p in 1 2 3 6 10 15 16 17; do
    ref_layout "table-precision-$p" table "$p" -b 7 -r never -e 1 \
        -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
done
ref_layout markdown-precision-10 markdown 10 -b 32 -t 1 -p 2 "$tmp/a.csv"
ref_layout table-groups table 10 -b 5 -e 1 -t 2,3 -p 4,5 -w 6 -g 7 "$tmp/g.csv"
ref_layout table-groups-files table 6 --batches -b 40 -t 2,3 -p 4,5 -g 7 "$tmp/g.csv" "$tmp/g2.csv"
ref_layout markdown-groups markdown 8 -b 5 -e 1 -t 2,3 -p 4,5 -w 6 -g 7 "$tmp/g.csv"
ref_layout markdown-zero-weights markdown 4 -b 2 -e 1 -t 2 -p 3 -w 4 \
    "$tmp/zero.csv"
ref_layout table-seed-example table 17 -b 32 -r never -t "$ten" -p "$twenty" \
    data/keras-seed-example.csv data/keras-seed-example.csv


# Every column of -c, in float64 (exact) and in float32 (step by step): several pairs,
# weights (with zeros), an epoch column, short last batches, both resets, totals.
all=rmse,mean_batch_rmse,running_rmse,row_loss,mean_row_loss,mse,running_mse,mae
all=$all,running_mae,per_output,uniform_rmse,r2,bias,max_error,weight
for dtype in float64 float32; do
    c="--dtype $dtype -c $all"
    ref "$dtype columns single-pair" $c -b 32 -t 1 -p 2 "$tmp/a.csv"
    ref "$dtype columns epochs-reset" $c -b 7 -r epoch -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
    ref "$dtype columns epochs-never" $c -b 7 -r never -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
    ref "$dtype columns two-files" $c -b 32 -r never -t "$ten" -p "$twenty" \
        "$tmp/c1.csv" "$tmp/c2.csv"
    ref "$dtype columns two-files-reset" $c -b 50 -r epoch -t "$ten" -p "$twenty" \
        "$tmp/c1.csv" "$tmp/c2.csv"
    ref "$dtype columns summary" -s $c -b 7 -r never -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
    ref "$dtype columns seed-example" $c -b 32 -r never -t "$ten" -p "$twenty" \
        data/keras-seed-example.csv data/keras-seed-example.csv
    ref "$dtype columns zero-weights" $c -b 2 -e 1 -t 2 -p 3 -w 4 "$tmp/zero.csv"
    ref "$dtype columns zero-weights-never" $c -b 2 -r never -e 1 -t 2 -p 3 -w 4 "$tmp/zero.csv"
    for b in 1 2 3; do
        ref "$dtype columns near-max -b $b" $c -b $b -r never -t 1,2 -p 3,4 \
            "$tmp/near-max.csv" "$tmp/near-max.csv"
    done
    # Six blocks of input: rows converted on worker threads must add up in row order.
    ref "$dtype columns many-blocks" $c -b 100 -r never -e 1 -t 2-4 -p 5-7 -w 8 "$tmp/d.csv"
    # Another order, and a list without the rmse.
    ref "$dtype columns order" --dtype $dtype -c weight,per_output,running_mae,mean_row_loss,rmse \
        -b 9 -r never -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
    ref "$dtype columns no-rmse" --dtype $dtype -c mae,row_loss -b 3 -e 1 -t 2 -p 3 -w 4 \
        "$tmp/zero.csv"
done
# The default columns in float32: the mean of batch values is Keras's float32 tracker.
ref "float32 default columns" --dtype float32 -b 7 -r never -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
# Per-output columns are named by the true columns' header names, quoted as CSV needs.
printf '"a,b","q""x",p1,p2\n1,2,3,5\n0,0,1,1\n-1,0.5,2,-3\n' >"$tmp/names.csv"
ref "per-output names" -b 2 -t 1,2 -p 3,4 -c per_output,uniform_rmse "$tmp/names.csv"

# With one output and no weights, the per-row loss is the mean absolute error: the same
# binary64 value on every line, 1000 random rows, in both arithmetics; in float64 the
# progress bar's mean of it is the running MAE too.  (In float32 that mean is Keras's
# float32 tracker of rounded batch values, while the running MAE adds up rows in float32:
# they differ in the last digits.)
for dtype in float64 float32; do
    f32=0
    [ $dtype = float32 ] && f32=1
    if "$bin" -f csv --dtype $dtype -c row_loss,mae,mean_row_loss,running_mae -b 32 \
        -t 1 -p 2 "$tmp/a.csv" >"$tmp/actual" &&
        awk -F, -v f32=$f32 '
            NR > 1 && ($5 != $6 || (!f32 && $7 != $8)) { bad = 1; print "    " $0 }
            END { exit bad || NR < 2 }' "$tmp/actual" >"$tmp/diff"; then
        pass "$dtype row_loss = mae with one output"
    else
        fail "$dtype row_loss = mae with one output"
        head -n 5 "$tmp/diff"
    fi
done

# Inputs built to be on ties or near them: the last rounding against the exact
# values, and the bound the man page states where the sums cannot be exact.
# tests/tie-check.py says ok or FAIL for each input; each counts as a check.
python3 "$tests/tie-check.py" "$bin" >"$tmp/ties" 2>&1
ties_status=$?
cat "$tmp/ties"
counts "$(grep -c '^ok ' "$tmp/ties")" "$(grep -c '^FAIL ' "$tmp/ties")"
if [ "$ties_status" -ne 0 ] && ! grep -q '^FAIL ' "$tmp/ties"; then
    fail "tie-check.py: exit status $ties_status"
fi

harness_end
