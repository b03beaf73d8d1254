// Polars (nodejs-polars), the two jobs the way a Polars user writes them:
// a lazy scanCSV, a row index cut into batches of 32 with groupBy, and
// cumSum for the running RMSE.  Prints CSV without a header, as the other
// peers do: batch,rows,rmse,running_rmse per batch, or the global RMSE.
// usage: node polars.js batch|global PAIRS FILE
const pl = require("nodejs-polars");

const [job, pairsText, file] = process.argv.slice(2);
const pairs = Number(pairsText);
const sq = [];
for (let j = 0; j < pairs; j++)
  sq.push(pl.col(`pred_${j}`).minus(pl.col(`true_${j}`)).pow(2));
const se = pl.sumHorizontal(sq).alias("se"); // one row's squared errors

const rows = pl.scanCSV(file);
if (job === "global") {
  const df = rows
    .select(se.sum().div(pl.len().mul(pairs)).pow(0.5).alias("rmse"))
    .collectSync();
  console.log(df.getColumn("rmse").get(0));
} else {
  const df = rows
    .withRowIndex("i")
    .groupBy(pl.col("i").div(32).floor().cast(pl.Int64).alias("batch"))
    .agg(pl.len().alias("rows"), se.sum().alias("sse"))
    .sort("batch")
    .select(
      pl.col("batch").add(1).cast(pl.Int64),
      pl.col("rows"),
      pl.col("sse").div(pl.col("rows").mul(pairs)).pow(0.5).alias("rmse"),
      pl
        .col("sse")
        .cumSum()
        .div(pl.col("rows").cumSum().mul(pairs))
        .pow(0.5)
        .alias("running_rmse"),
    )
    .collectSync();
  df.writeCSV(process.stdout, { includeHeader: false });
}
