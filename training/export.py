"""Export checkpoints to ONNX (opset 17, dynamic H/W), check parity against onnxruntime-web
in Node, then write public/models/wm-*.onnx and their manifest entries.

    /usr/bin/python3 training/export.py --run cpu
    /usr/bin/python3 training/export.py --detector runs/cpu/last.pt --remover runs/cpu/last.pt

Only entries whose id is wm-detector / wm-remover are replaced; every other manifest entry
is kept as parsed.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch

from models import build, count_params, read_checkpoint

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
MODELS = REPO / "public" / "models"
PARITY_ATOL = 1e-4  # fp32 torch vs WASM: outputs in [0,1], differences come from op order only
KINDS = ["text", "logo", "pattern"]


def load_checkpoint(path: Path, kind: str, overrides: dict | None = None):
    """Rebuild a model from a best-<kind>.pt or a last.pt checkpoint (both store model args + config).
    `overrides`: model args to change after training, e.g. the remover's gate_lo/gate_hi (chosen on val)."""
    ck = read_checkpoint(path)
    part = ck if "kind" in ck else ck[kind]
    model = build(kind, {**part["args"], **(overrides or {})})
    model.load_state_dict(part["state"])
    config = ck["config"]["name"]
    if overrides and "gate_lo" in overrides:  # the config id says the gate was moved after training
        config += f"+gate{overrides['gate_lo']}-{overrides['gate_hi']}"
    return model.eval(), {"step": ck["step"], "config": config, "elapsed": ck.get("elapsed", 0)}


def export_onnx(model, kind: str, path: Path) -> None:
    h, w = 96, 128
    if kind == "detector":
        args, inputs, outputs = (torch.rand(1, 3, h, w),), ["image"], ["alpha", "kind_logits"]
    else:
        args, inputs, outputs = (torch.rand(1, 3, h, w), torch.ones(1, 1, h, w)), ["image", "mask"], ["clean"]
    axes = {n: {2: "height", 3: "width"} for n in inputs + outputs}
    torch.onnx.export(model, args, str(path), opset_version=17, input_names=inputs, output_names=outputs,
                      dynamic_axes=axes, do_constant_folding=True)
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
    for node in m.graph.node:  # the app's WebGPU path wants explicit conv attributes
        if node.op_type == "Conv":
            names = {a.name for a in node.attribute}
            assert {"kernel_shape", "strides", "dilations"} <= names, (node.name, names)


def ort_run(model_path: Path, cases: list[dict[str, np.ndarray]], outputs: list[str], threads: int = 1):
    """Run onnxruntime-web (Node, WASM, `threads` threads) on each case. Returns ([{name: array}], [ms])."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        job = {"model": str(model_path), "cases": [], "threads": threads}
        for i, case in enumerate(cases):
            ins = {}
            for name, arr in case.items():
                f = tmp / f"{i}_{name}.bin"
                np.ascontiguousarray(arr, np.float32).tofile(f)
                ins[name] = {"file": str(f), "dims": list(arr.shape)}
            job["cases"].append({"inputs": ins, "outputs": {o: str(tmp / f"{i}_{o}.out") for o in outputs}})
        (tmp / "job.json").write_text(json.dumps(job))
        r = subprocess.run(["node", str(ROOT / "ort_run.mjs"), str(tmp / "job.json")], capture_output=True,
                           text=True, cwd=REPO)
        if r.returncode:
            raise RuntimeError(r.stderr[-3000:])
        lines = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
        results = []
        for i, (case, line) in enumerate(zip(cases, lines)):
            results.append({o: np.fromfile(tmp / f"{i}_{o}.out", np.float32).reshape(line["dims"][o]) for o in outputs})
        return results, [l["ms"] for l in lines]


def parity(model, kind: str, path: Path) -> float:
    """Max |torch − onnxruntime-web| over two random inputs of different (non-square) sizes."""
    rng = np.random.default_rng(0)
    cases = []
    for h, w in ((64, 96), (160, 128)):
        img = rng.random((1, 3, h, w), dtype=np.float32)
        case = {"image": img}
        if kind == "remover":
            case["mask"] = (rng.random((1, 1, h, w)) < 0.5).astype(np.float32)
        cases.append(case)
    outs = ["alpha", "kind_logits"] if kind == "detector" else ["clean"]
    got, _ = ort_run(path, cases, outs)
    worst = 0.0
    with torch.no_grad():
        for case, g in zip(cases, got):
            t = model(*[torch.from_numpy(case[k]) for k in (["image"] if kind == "detector" else ["image", "mask"])])
            t = t if isinstance(t, tuple) else (t,)
            for name, tt in zip(outs, t):
                scale = 1.0 if name != "kind_logits" else max(1.0, float(tt.abs().max()))
                worst = max(worst, float(np.abs(tt.numpy() - g[name]).max()) / scale)
    if worst > PARITY_ATOL:
        raise AssertionError(f"{kind}: parity {worst:.2e} > {PARITY_ATOL}")
    return worst


def tensor(name, channels, meaning, rng=(0, 1), rgb=False):
    t = {"name": name, "layout": "nchw", "channels": channels, "meaning": meaning}
    if rgb:
        t["colorOrder"] = "rgb"
    t["range"] = list(rng)
    return t


def entry(kind: str, path: Path, info: dict, params: int, max_side: int, tile: int,
          threshold: float | None = None, recommended: bool = True) -> dict:
    blob = path.read_bytes()
    e = {"id": f"wm-{kind}", "role": kind, "file": path.name, "bytes": len(blob),
         "sha256": hashlib.sha256(blob).hexdigest(),
         "version": f"{datetime.date.today().isoformat()}-{info['step']}", "config": info["config"],
         "license": "project (trained here)", "params": params, "precision": "fp32", "sizeMultiple": 32}
    if kind == "detector":
        e.update({"maxSide": max_side, "kinds": KINDS, "unclip": 0, "priority": 10,
                  **({"threshold": threshold} if threshold is not None else {}),
                  "inputs": [tensor("image", 3, "image", rgb=True)],
                  "outputs": [tensor("alpha", 1, "alpha"), tensor("kind_logits", 3, "kind-logits", (-10**9, 10**9))]})
    else:
        e.update({"tile": tile, "priority": 10, "recommended": recommended,
                  "inputs": [tensor("image", 3, "image", rgb=True), tensor("mask", 1, "mask")],
                  "outputs": [tensor("clean", 3, "clean", rgb=True)]})
    return e


def format_manifest(man: dict) -> str:
    """Keys one per line, tensor specs one per line, as the hand-written entries are."""
    lines = ["{", f'  "schema": {man["schema"]},', '  "models": [']
    for i, m in enumerate(man["models"]):
        lines.append("    {")
        keys = list(m)
        for j, k in enumerate(keys):
            end = "," if j < len(keys) - 1 else ""
            if k in ("inputs", "outputs"):
                specs = [json.dumps(s, separators=(", ", ": ")) for s in m[k]]
                lines.append(f'      "{k}": [')
                lines += [f"        {s}{',' if n < len(specs) - 1 else ''}" for n, s in enumerate(specs)]
                lines.append(f"      ]{end}")
            else:
                lines.append(f'      "{k}": {json.dumps(m[k], separators=(", ", ": "))}{end}')
        lines.append("    }" + ("," if i < len(man["models"]) - 1 else ""))
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def update_manifest(entries: list[dict], folder: Path = MODELS) -> None:
    """Replaces these entries in `folder`/manifest.json (a copy of public/models for a candidate)."""
    path = folder / "manifest.json"
    man = json.loads(path.read_text())
    ids = {e["id"] for e in entries}
    others = [m for m in man["models"] if m["id"] not in ids]
    man["models"] = others + entries
    text = format_manifest(man)
    assert json.loads(text)["models"][: len(others)] == others  # other entries unchanged
    path.write_text(text)


def gate_pair(text: str) -> dict:
    lo, hi = (float(x) for x in text.split(","))
    if not 0 < lo < hi <= 1:
        raise argparse.ArgumentTypeError("expected LO,HI with 0 < LO < HI <= 1")
    return {"gate_lo": lo, "gate_hi": hi}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="cpu", help="use runs/<run>/best-{detector,remover}.pt")
    ap.add_argument("--detector", type=Path)
    ap.add_argument("--remover", type=Path)
    ap.add_argument("--max-side", type=int, default=768)
    ap.add_argument("--tile", type=int, default=512)
    ap.add_argument("--out", type=Path, default=MODELS)
    ap.add_argument("--only", choices=["detector", "remover"], help="export one model, keep the other's entry")
    ap.add_argument("--remover-gate", type=gate_pair, help="LO,HI: α̂ range where the remover hands over to its fill")
    ap.add_argument("--threshold", type=float, help="detector: α̂ threshold the app maps to its 0.5 default")
    ap.add_argument("--not-recommended", action="store_true",
                    help="remover: ship it, but let the app and CLI preselect the classical method")
    args = ap.parse_args()
    torch.set_num_threads(2)
    entries = []
    for kind in [args.only] if args.only else ["detector", "remover"]:
        ck = getattr(args, kind) or ROOT / "runs" / args.run / f"best-{kind}.pt"
        model, info = load_checkpoint(ck, kind, args.remover_gate if kind == "remover" else None)
        out = args.out / f"wm-{kind}.onnx"
        tmp = out.with_suffix(".tmp.onnx")
        export_onnx(model, kind, tmp)
        err = parity(model, kind, tmp)
        tmp.replace(out)
        e = entry(kind, out, info, count_params(model), args.max_side, args.tile,
                  threshold=args.threshold, recommended=not args.not_recommended)
        entries.append(e)
        print(f"{kind}: {ck} step {info['step']} -> {out} ({e['bytes']} B, {e['params']} params, parity {err:.1e})")
    if (args.out / "manifest.json").exists():
        update_manifest(entries, args.out)
        print("manifest updated:", args.out / "manifest.json")


if __name__ == "__main__":
    main()
