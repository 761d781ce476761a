"""``python -m seglab.models export|check ...``"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from . import ARCHS


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m seglab.models",
        description="SAM-family models for SegLab: export a checkpoint (or seeded random "
                    "weights) to the ONNX encoder/decoder pair the viewer runs.")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("export", help="build the model and write encoder.onnx, decoder.onnx, "
                                      "seglab-model.json into --out")
    e.add_argument("--arch", required=True, choices=ARCHS,
                   help="vit_b / vit_l / vit_h: SAM (segment_anything); vit_t: MobileSAM")
    e.add_argument("--checkpoint", help="SAM / MobileSAM / micro-sam / MedicoSAM state dict "
                                        "(.pth/.pt); without it: seeded random weights")
    e.add_argument("--seed", type=int, default=0, help="seed of the random weights (default 0)")
    e.add_argument("--out", required=True, help="output folder (created if needed)")
    e.add_argument("--name", help="model id written to seglab-model.json")
    e.add_argument("--allow-pickle", action="store_true",
                   help="let torch.load unpickle Python objects in the checkpoint (trusted "
                        "files only)")
    e.add_argument("--no-verify", action="store_true",
                   help="skip the onnxruntime-vs-torch numeric check at the end")
    t = sub.add_parser("train-prompter", help="train seglab-nucleus-prompter (a small "
                                              "promptable CNN with SAM's ONNX interface, not "
                                              "SAM) on $SEGLAB_DATA and export it into --out")
    t.add_argument("--out", required=True, help="output folder (created if needed)")
    t.add_argument("--minutes", type=float, help="wall-time cap for the training loop")
    t.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    t.add_argument("--steps", type=int, help="optimiser steps (default: the committed model's)")
    t.add_argument("--threads", type=int, default=None, choices=(1, 2),
                   help="torch CPU threads (default: 2 for flood, 1 for unet)")
    t.add_argument("--arch", choices=("flood", "unet"), default="flood",
                   help="flood (default, the committed model): a densely trained foreground/"
                        "contact encoder and a region-growing decoder; unet: the prompt-"
                        "conditioned U-Net of v2")
    c = sub.add_parser("check", help="check that an ONNX pair has SAM's interface")
    c.add_argument("encoder")
    c.add_argument("decoder")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check":
        from ._check import check_model_files
        try:
            info = check_model_files(args.encoder, args.decoder)
        except (ValueError, ImportError) as e:
            print(f"seglab.models check: {e}", file=sys.stderr)
            return 1
        print(f"ok: SAM interface (encoder opset {info['encoder']['opset']}, decoder opset "
              f"{info['decoder']['opset']})")
        return 0

    if args.command == "train-prompter":
        if args.arch == "flood":
            from ._flood import STEPS as FLOOD_STEPS, run
            run(args.out, steps=args.steps or FLOOD_STEPS, minutes=args.minutes or 12.0, seed=args.seed,
                threads=args.threads or 2)
            return 0
        from ._train_prompter import STEPS, train_prompter
        train_prompter(args.out, minutes=args.minutes, seed=args.seed,
                       steps=args.steps or STEPS, threads=args.threads or 1)
        return 0

    from ._export import ExportError, export
    if args.seed < 0:
        print(f"seglab.models export: --seed must be >= 0, got {args.seed}", file=sys.stderr)
        return 2
    try:
        export(args.arch, args.out, seed=args.seed, checkpoint=args.checkpoint, name=args.name,
               allow_pickle=args.allow_pickle, verify=not args.no_verify)
    except (ExportError, ImportError) as e:
        print(f"seglab.models export: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
