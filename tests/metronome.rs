//! The CPR metronome shipped in `content/media` (made by
//! `scripts/make-metronome.py`) really clicks 110 times a minute for two
//! minutes: decoded here and its clicks timed.

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

#[test]
fn the_metronome_clicks_110_times_a_minute_for_two_minutes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/media/cpr-metronome-110.mp3");
    let (samples, rate) = decode(&path);
    let seconds = samples.len() as f64 / f64::from(rate);
    assert!((119.0..=122.0).contains(&seconds), "lasts {seconds:.1} s");
    let clicks = onsets(&samples, rate as usize / 10);
    assert_eq!(clicks.len(), 220, "two minutes at 110 a minute");
    let intervals: Vec<f64> = clicks
        .windows(2)
        .map(|pair| (pair[1] - pair[0]) as f64 / f64::from(rate))
        .collect();
    let expected = 60.0 / 110.0;
    for (beat, interval) in intervals.iter().enumerate() {
        assert!(
            (interval - expected).abs() < 0.002,
            "click {} comes {interval:.4} s after the previous one, not {expected:.4} s",
            beat + 2
        );
    }
}
