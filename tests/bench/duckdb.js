// DuckDB (@duckdb/node-api), the two jobs the way a DuckDB user writes
// them: SQL over read_csv, row_number() over () integer-divided by 32 for
// the batches, and window sums for the running RMSE.  Prints CSV without a
// header, as the other peers do: batch,rows,rmse,running_rmse per batch, or
// the global RMSE.  usage: node duckdb.js batch|global PAIRS FILE
const { DuckDBInstance } = require("@duckdb/node-api");

async function main() {
  const [job, pairsText, file] = process.argv.slice(2);
  const pairs = Number(pairsText);
  const terms = [];
  for (let j = 0; j < pairs; j++)
    terms.push(`(pred_${j} - true_${j}) ** 2`);
  const se = terms.join(" + "); // one row's squared errors
  const csv = `read_csv('${file.replaceAll("'", "''")}')`;
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  if (job === "global") {
    const reader = await con.runAndReadAll(
      `SELECT sqrt(sum(${se}) / (${pairs} * count(*))) FROM ${csv}`,
    );
    console.log(reader.getRows()[0][0]);
    return;
  }
  await con.run(`
    COPY (
      WITH r AS (
        SELECT (row_number() OVER () - 1) // 32 AS b, ${se} AS se FROM ${csv}
      ), g AS (
        SELECT b, count(*) AS n, sum(se) AS sse FROM r GROUP BY b
      )
      SELECT b + 1, n, sqrt(sse / (${pairs} * n)),
        sqrt(sum(sse) OVER w / (${pairs} * sum(n) OVER w))
      FROM g
      WINDOW w AS (ORDER BY b ROWS UNBOUNDED PRECEDING)
      ORDER BY b
    ) TO '/dev/stdout' (FORMAT csv, HEADER false)`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
