#!/usr/bin/python3
"""Writes the files of tests/layouts/ with the real pandas, numpy and openpyxl.

/usr/bin/python3 tests/layouts/make-fixtures.py   (from the top of the tree)

Not run by make check, whose tests need only the standard library: the files
are kept in the repository, and check-layouts compares them byte for byte with
what tests/layouts.py's own writers make of the same values, so that the
corpus it writes is what these tools write.  Made with pandas 1.5.3, numpy
1.24.2 and openpyxl 3.0.9 (Debian 12's).
"""
import os

import numpy as np
import openpyxl
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
Y = [1.5, 3.0, -0.5, 2.25, 0.1]
YHAT = [2.25, 2.0, 0.5, 2.5, 0.3]
Z = [2.5, 4.0, 0.5, 3.25, 1.1]


def path(name):
    return os.path.join(HERE, name)


def main():
    df = pd.DataFrame({"y_true": Y, "y_pred": YHAT})
    df.to_csv(path("pandas-index.csv"))
    pd.read_csv(path("pandas-index.csv")).to_csv(path("pandas-unnamed.csv"),
                                                 index=False)
    df.to_csv(path("pandas-tab.tsv"), sep="\t", index=False)
    nan = df.copy()
    nan.loc[2, "y_pred"] = np.nan
    nan.to_csv(path("pandas-nan.csv"))
    # Two outputs, a and b, their columns in no particular order.
    pd.DataFrame({"true_a": Y, "pred_b": Z, "pred_a": YHAT,
                  "true_b": YHAT}).to_csv(path("pandas-outputs.csv"),
                                          index=False)
    a = np.c_[Y, YHAT]
    np.savetxt(path("numpy-noheader.csv"), a, delimiter=",")
    np.savetxt(path("numpy-header.csv"), a, delimiter=",",
               header="y_true,y_pred")
    np.savetxt(path("numpy-space.csv"), a, delimiter=", ",
               header="y_true, y_pred")
    b = a.copy()
    b[2, 1] = np.nan
    np.savetxt(path("numpy-nan.csv"), b, delimiter=",",
               header="y_true,y_pred")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["y_true", "y_pred"])
    for t, p in zip(Y, YHAT):
        ws.append([t, p])
    wb.save(path("openpyxl.xlsx"))


main()
