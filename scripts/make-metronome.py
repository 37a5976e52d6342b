#!/usr/bin/env python3
"""Generates content/media/cpr-metronome-110.mp3: a CPR metronome.

110 clicks a minute (guidelines: 100-120 compressions a minute) for two
minutes, the time after which rescuers should swap. Every 30th click is
higher, for those who give 2 breaths after 30 compressions. The sound is
synthesised here (no recording is downloaded) and encoded with LAME
through the `lameenc` package:

    python3 -m pip install -r scripts/requirements.txt
    python3 scripts/make-metronome.py

The output is committed, so building or running the bot needs no Python.
Running the script again gives the same file.
"""

import math
import pathlib
import struct

import lameenc

RATE = 22050  # samples a second; mono
BPM = 110
MINUTES = 2
CLICK_SECONDS = 0.03
ACCENT_EVERY = 30
OUT = pathlib.Path(__file__).resolve().parent.parent / "content" / "media" / "cpr-metronome-110.mp3"


def click(frequency: float) -> list[float]:
    """A short sine burst with a fast attack and exponential decay."""
    length = int(RATE * CLICK_SECONDS)
    return [
        math.sin(2 * math.pi * frequency * n / RATE) * math.exp(-n / (length / 5)) * min(1.0, n / 20)
        for n in range(length)
    ]


def samples() -> list[float]:
    beats = BPM * MINUTES
    beat_length = RATE * 60 / BPM
    out = [0.0] * int(beat_length * beats + RATE * CLICK_SECONDS)
    normal, accent = click(1000.0), click(1600.0)
    for beat in range(beats):
        start = round(beat * beat_length)
        sound = accent if (beat + 1) % ACCENT_EVERY == 0 else normal
        out[start : start + len(sound)] = sound
    return out


def main() -> None:
    pcm = b"".join(struct.pack("<h", int(max(-1.0, min(1.0, s)) * 0.8 * 32767)) for s in samples())
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(RATE)
    encoder.set_channels(1)
    encoder.set_quality(2)
    mp3 = encoder.encode(pcm) + encoder.flush()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(mp3)
    print(f"wrote {OUT} ({len(mp3)} bytes, {BPM * MINUTES} clicks at {BPM}/min)")


if __name__ == "__main__":
    main()
