"""pandas + numpy, the way a user would write the two jobs.
usage: python3 peers.py batch|global PAIRS FILE"""
import sys

import numpy as np
import pandas as pd

job, pairs, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
df = pd.read_csv(path)
t = df.iloc[:, :pairs].to_numpy()
p = df.iloc[:, pairs:2 * pairs].to_numpy()
sq = ((p - t) ** 2).sum(axis=1)
if job == "global":
    print("%.17g" % np.sqrt(sq.sum() / (pairs * len(sq))))
    sys.exit(0)
B = 32
starts = np.arange(0, len(sq), B)
bsum = np.add.reduceat(sq, starts)
brows = np.minimum(B, len(sq) - starts)
rmse = np.sqrt(bsum / (pairs * brows))
running = np.sqrt(np.cumsum(bsum) / (pairs * np.cumsum(brows)))
out = np.column_stack([np.arange(1, len(starts) + 1), brows, rmse, running])
np.savetxt(sys.stdout, out, fmt=["%d", "%d", "%.17g", "%.17g"], delimiter=",")
