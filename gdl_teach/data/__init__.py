"""Datasets: ``make_*`` generators (seeded, synthetic, described honestly) and
``load_*`` loaders (real data shipped inside installed packages), one module
per domain. Import from the domain module, e.g.
``from gdl_teach.data.molecules import load_freesolv``.
"""
