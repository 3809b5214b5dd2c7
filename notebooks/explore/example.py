# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exploring the processed tables
#
# A starting point for questions the report does not ask. Any table of the build is loaded by its name, checked
# against its schema like the build's own jobs check it; `names()` lists them. Exploratory notebooks live in this
# folder as jupytext `.py` files: the paired `.ipynb` and anything they write stay out of version control, and the
# build never runs them. Build the tables first (`make report`).

# %%
from emergence.explore import load, names

names()

# %% [markdown]
# The ETD's sector shares, the focus country and its peers side by side: manufacturing's share of value added at
# constant prices in the last years of the data.

# %%
etd = load("etd")
shares = etd[(etd["sector"] == "manufacturing") & (etd["variable"] == "va_constant_share")]
table = shares.pivot(index="year", columns="country", values="value")
table.tail()

# %%
ax = table.plot(title="Manufacturing, % of value added (constant 2015 prices)")
ax.set_ylabel("%")
