"""Pure helpers shared by diffalign's GPU container handlers (numpy and the standard library only).

Nothing in this package imports torch, diffusers or transformers: everything here is tested with
Debian's python3-pytest and python3-numpy (see ../tests). The handlers' `inference.py` files are the
thin torch parts that plug real models into these functions.
"""
