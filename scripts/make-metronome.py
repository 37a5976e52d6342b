#!/usr/bin/env python3
"""Generates the two CPR metronomes in content/media/.

Both click 110 times a minute (guidelines: 100-120 compressions a minute)
and last about two minutes, the time after which rescuers should swap:

- cpr-metronome-30-2.mp3, for 30:2 CPR: 30 clicks, the 30th higher, then a
  silent pause of BREATHS_SECONDS for two rescue breaths, CYCLES times over.
  ERC 2021 keeps the interruption under 10 seconds, and a lay rescuer needs
  6-8 seconds to move to the head, tilt it, seal the mouth and give two
  1-second breaths: 7.5 s fits both (4.5 s, the first version, did not).
- cpr-metronome-110.mp3, for hands-only CPR: clicks without a pause.

The sound is synthesised here (no recording is downloaded) and encoded with
LAME through the `lameenc` package, mono at a low bit rate so the files stay
small for people on a slow connection:

    python3 -m pip install -r scripts/requirements.txt
    python3 scripts/make-metronome.py

The output is committed, so building or running the bot needs no Python.
Running the script again gives the same files.
"""

import math
import pathlib
import struct

import lameenc

RATE = 22050  # samples a second; mono
BPM = 110
BIT_RATE = 16  # kbit/s
CLICK_SECONDS = 0.03
COMPRESSIONS = 30
BREATHS_SECONDS = 7.5  # from the 30th click to the next cycle's first
CYCLES = 5  # about two minutes with the pauses
CONTINUOUS_MINUTES = 2
MEDIA = pathlib.Path(__file__).resolve().parent.parent / "content" / "media"


def click(frequency: float) -> list[float]:
    """A short sine burst with a fast attack and exponential decay."""
    length = int(RATE * CLICK_SECONDS)
    return [
        math.sin(2 * math.pi * frequency * n / RATE) * math.exp(-n / (length / 5)) * min(1.0, n / 20)
        for n in range(length)
    ]


def render(clicks: list[tuple[float, bool]], seconds: float) -> list[float]:
    """`seconds` of silence with a click at each (time, accented) pair."""
    out = [0.0] * int(RATE * seconds)
    normal, accent = click(1000.0), click(1600.0)
    for time, accented in clicks:
        start = round(time * RATE)
        sound = accent if accented else normal
        out[start : start + len(sound)] = sound
    return out


def thirty_two() -> list[float]:
    """30 clicks, a pause for two breaths, CYCLES times; ends after the last pause."""
    beat = 60 / BPM
    cycle = (COMPRESSIONS - 1) * beat + BREATHS_SECONDS
    clicks = [
        (c * cycle + n * beat, n == COMPRESSIONS - 1)
        for c in range(CYCLES)
        for n in range(COMPRESSIONS)
    ]
    return render(clicks, CYCLES * cycle)


def continuous() -> list[float]:
    """Clicks without pauses for CONTINUOUS_MINUTES."""
    beat = 60 / BPM
    beats = BPM * CONTINUOUS_MINUTES
    return render([(n * beat, False) for n in range(beats)], beats * beat + CLICK_SECONDS)


def encode(samples: list[float]) -> bytes:
    pcm = b"".join(struct.pack("<h", int(max(-1.0, min(1.0, s)) * 0.8 * 32767)) for s in samples)
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BIT_RATE)
    encoder.set_in_sample_rate(RATE)
    encoder.set_channels(1)
    encoder.set_quality(2)
    return encoder.encode(pcm) + encoder.flush()


def main() -> None:
    MEDIA.mkdir(parents=True, exist_ok=True)
    for name, samples in [("cpr-metronome-30-2.mp3", thirty_two()), ("cpr-metronome-110.mp3", continuous())]:
        mp3 = encode(samples)
        (MEDIA / name).write_bytes(mp3)
        print(f"wrote {MEDIA / name} ({len(mp3)} bytes, {len(samples) / RATE:.1f} s)")


if __name__ == "__main__":
    main()
