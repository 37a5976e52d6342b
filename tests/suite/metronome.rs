//! The CPR metronomes shipped in `content/media` (made by
//! `scripts/make-metronome.py`) really click 110 times a minute for about two
//! minutes, the 30:2 one with a pause for two breaths after every 30th click
//! and the hands-only one without: decoded here and their clicks timed.

use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::DecoderOptions;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Mono samples and the sample rate of an MP3 file.
fn decode(path: &Path) -> (Vec<f32>, u32) {
    let file = std::fs::File::open(path).expect("the metronome is committed");
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    hint.with_extension("mp3");
    let probed = symphonia::default::get_probe()
        .format(&hint, stream, &FormatOptions::default(), &MetadataOptions::default())
        .expect("an MP3 file");
    let mut format = probed.format;
    let track = format.default_track().expect("one audio track");
    let rate = track.codec_params.sample_rate.expect("a sample rate");
    let track_id = track.id;
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .expect("an MP3 decoder");
    let mut samples = Vec::new();
    while let Ok(packet) = format.next_packet() {
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = decoder.decode(&packet).expect("decodable frames");
        let mut buffer = SampleBuffer::<f32>::new(decoded.capacity() as u64, *decoded.spec());
        buffer.copy_interleaved_ref(decoded);
        samples.extend_from_slice(buffer.samples());
    }
    (samples, rate)
}

/// Sample indices where sound starts after at least `gap` samples of near silence.
fn onsets(samples: &[f32], gap: usize) -> Vec<usize> {
    let mut onsets = Vec::new();
    let mut quiet = gap;
    for (index, sample) in samples.iter().enumerate() {
        if sample.abs() > 0.2 {
            if quiet >= gap {
                onsets.push(index);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    onsets
}

/// The seconds between one click and the next, in order.
fn click_intervals(file: &str) -> (Vec<f64>, f64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/media").join(file);
    let (samples, rate) = decode(&path);
    let seconds = samples.len() as f64 / f64::from(rate);
    let clicks = onsets(&samples, rate as usize / 10);
    let intervals = clicks
        .windows(2)
        .map(|pair| (pair[1] - pair[0]) as f64 / f64::from(rate))
        .collect();
    (intervals, seconds)
}

/// One compression at 110 a minute.
const BEAT: f64 = 60.0 / 110.0;

#[test]
fn the_hands_only_metronome_clicks_110_times_a_minute_for_two_minutes() {
    let (intervals, seconds) = click_intervals("cpr-metronome-110.mp3");
    assert!((119.0..=122.0).contains(&seconds), "lasts {seconds:.1} s");
    assert_eq!(intervals.len() + 1, 220, "two minutes at 110 a minute");
    for (beat, interval) in intervals.iter().enumerate() {
        assert!(
            (interval - BEAT).abs() < 0.002,
            "click {} comes {interval:.4} s after the previous one, not {BEAT:.4} s",
            beat + 2
        );
    }
}

#[test]
fn the_thirty_two_metronome_pauses_for_two_breaths_after_every_30_clicks() {
    let (intervals, seconds) = click_intervals("cpr-metronome-30-2.mp3");
    assert!(
        (110.0..=130.0).contains(&seconds),
        "lasts {seconds:.1} s, about two minutes"
    );
    assert_eq!(intervals.len() + 1, 5 * 30, "five cycles of 30 compressions");
    for (index, interval) in intervals.iter().enumerate() {
        let click = index + 2;
        if (click - 1) % 30 == 0 {
            // ERC 2021: compressions interrupted for under 10 s; a lay
            // rescuer needs 6-8 s to reach the head and give two breaths.
            assert!(
                (7.0..=8.0).contains(interval),
                "the breaths before click {click} get {interval:.2} s, not 7-8 s"
            );
        } else {
            assert!(
                (interval - BEAT).abs() < 0.002,
                "click {click} comes {interval:.4} s after the previous one, not {BEAT:.4} s"
            );
        }
    }
}
