#!/usr/bin/env python3
"""Builds model.tar.gz for a handler: the layout the Hugging Face inference container expects.

    python3 infra/endpoints/package.py generator [--out DIR] [--include PATH]...
    python3 infra/endpoints/package.py scorer    [--out DIR] [--include PATH]...

writes DIR/<handler>/model.tar.gz (DIR defaults to infra/endpoints/dist) holding

    code/inference.py          the handler's hooks (model_fn, input_fn, predict_fn, output_fn)
    code/<handler>_core.py     its torch-free core
    code/common/*.py           the shared pure helpers
    code/requirements.txt      installed by the container at start-up

plus, at the archive root, every --include: a file, or a directory's contents (e.g. a diffusers
pipeline with its model_index.json, or a folder holding aesthetic/sac+logos+ava1-l14-linearMSE.pth). Entries are sorted and carry
fixed timestamps and owners, so the same sources give the same archive bytes.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
HANDLERS = {
    "generator": ["inference.py", "generator_core.py", "segments.py", "requirements.txt"],
    "scorer": ["inference.py", "scorer_core.py", "requirements.txt"],
}


def archive_entries(handler: str, includes: list[str] = ()) -> list[tuple[str, str]]:
    """(archive name, source path) of every file, sorted by archive name."""
    if handler not in HANDLERS:
        raise SystemExit(f"unknown handler {handler!r}: use one of {', '.join(HANDLERS)}")
    entries = [(f"code/{name}", os.path.join(HERE, handler, name)) for name in HANDLERS[handler]]
    common = os.path.join(HERE, "common")
    entries += [(f"code/common/{name}", os.path.join(common, name)) for name in os.listdir(common) if name.endswith(".py")]
    for include in includes:
        include = os.path.abspath(include)
        if os.path.isfile(include):
            entries.append((os.path.basename(include), include))
            continue
        if not os.path.isdir(include):
            raise SystemExit(f"--include {include}: no such file or directory")
        for root, _dirs, files in os.walk(include):
            for name in files:
                path = os.path.join(root, name)
                relative = os.path.relpath(path, include)
                entries.append((relative.replace(os.sep, "/"), path))
    names = [name for name, _ in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise SystemExit(f"two files would land at {', '.join(duplicates)}")
    return sorted(entries)


def build(handler: str, out_dir: str, includes: list[str] = ()) -> str:
    target_dir = os.path.join(out_dir, handler)
    os.makedirs(target_dir, exist_ok=True)
    target = os.path.join(target_dir, "model.tar.gz")
    # Streamed (a pipeline's weights can be gigabytes); gzip without a name or time, for reproducibility.
    with open(target, "wb") as handle, gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="") as compressed:
        with tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for name, path in archive_entries(handler, includes):
                info = tarfile.TarInfo(name)
                info.size = os.path.getsize(path)
                info.mtime = 0
                info.mode = 0o644
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with open(path, "rb") as source:
                    archive.addfile(info, source)
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("handler", choices=sorted(HANDLERS))
    parser.add_argument("--out", default=os.path.join(HERE, "dist"))
    parser.add_argument("--include", action="append", default=[], help="file or directory to add at the archive root")
    args = parser.parse_args(argv)
    print(build(args.handler, args.out, args.include))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
