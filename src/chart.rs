//! The progress chart: a PNG line chart of a student's scores over time.
//!
//! Drawn with `plotters` into an RGB buffer and encoded with `png`. Labels use
//! a tiny built-in pixel font (digits only), so no font file or system font
//! library is needed; the words go in the message around the picture.

use plotters::prelude::*;

/// Width and height of the chart in pixels.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 400;

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("there are no finished sessions to chart yet")]
    NoData,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] png::EncodingError),
}

/// 3x5 pixel glyphs for the digits 0-9, one row per u8 (3 low bits used).
const DIGITS: [[u8; 5]; 10] = [
    [7, 5, 5, 5, 7],
    [2, 6, 2, 2, 7],
    [7, 1, 7, 4, 7],
    [7, 1, 7, 1, 7],
    [5, 5, 7, 1, 1],
    [7, 4, 7, 1, 7],
    [7, 4, 7, 5, 7],
    [7, 1, 1, 1, 1],
    [7, 5, 7, 5, 7],
    [7, 5, 7, 1, 7],
];

fn draw_number<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    n: u32,
    x: i32,
    y: i32,
    scale: i32,
    color: &RGBColor,
) -> Result<(), String> {
    let text = n.to_string();
    for (ci, ch) in text.chars().enumerate() {
        let Some(d) = ch.to_digit(10) else { continue };
        let glyph = DIGITS[d as usize];
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..3 {
                if bits & (4 >> col) != 0 {
                    let px = x + (ci as i32) * 4 * scale + col * scale;
                    let py = y + row as i32 * scale;
                    area.draw(&Rectangle::new(
                        [(px, py), (px + scale, py + scale)],
                        color.filled(),
                    ))
                    .map_err(|e| e.to_string())?;
                }
            }
        }
    }
    Ok(())
}

/// Draws the scores (oldest first, 0-100 each) and returns PNG bytes.
pub fn progress_png(scores: &[u32]) -> Result<Vec<u8>, ChartError> {
    if scores.is_empty() {
        return Err(ChartError::NoData);
    }
    let mut buf = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(scores, &mut buf).map_err(ChartError::Draw)?;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header()?;
        w.write_image_data(&buf)?;
    }
    Ok(out)
}

fn draw(scores: &[u32], buf: &mut [u8]) -> Result<(), String> {
    let root = BitMapBackend::with_buffer(buf, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (left, right, top, bottom) = (60i32, 20i32, 20i32, 40i32);
    let plot = root.margin(top as u32, bottom as u32, left as u32, right as u32);
    let n = scores.len().max(2) as f64;
    let mut chart = ChartBuilder::on(&plot)
        .build_cartesian_2d(0f64..(n - 1.0), 0f64..100f64)
        .map_err(|e| e.to_string())?;
    // Horizontal guides every 20 points.
    let grey = RGBColor(220, 220, 220);
    for v in (0..=100).step_by(20) {
        chart
            .draw_series(LineSeries::new(
                [(0.0, v as f64), (n - 1.0, v as f64)],
                grey,
            ))
            .map_err(|e| e.to_string())?;
        let y = top + ((100 - v) as f64 / 100.0 * f64::from(HEIGHT as i32 - top - bottom)) as i32;
        draw_number(&root, v as u32, 16, y - 5, 2, &BLACK)?;
    }
    let blue = RGBColor(88, 101, 242);
    let pts: Vec<(f64, f64)> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| (i as f64, f64::from((*s).min(100))))
        .collect();
    chart
        .draw_series(LineSeries::new(pts.clone(), blue.stroke_width(3)))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(pts.iter().map(|p| Circle::new(*p, 5, blue.filled())))
        .map_err(|e| e.to_string())?;
    // Session numbers under the x axis (at most ~12 labels).
    let step = (scores.len() / 12).max(1);
    let width = f64::from(WIDTH as i32 - left - right);
    for i in (0..scores.len()).step_by(step) {
        let x = left + (i as f64 / (n - 1.0) * width) as i32;
        draw_number(
            &root,
            (i + 1) as u32,
            x - 3,
            HEIGHT as i32 - bottom + 12,
            2,
            &BLACK,
        )?;
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_valid_png_of_the_right_size() {
        let bytes = progress_png(&[40, 55, 72, 90, 100, 0]).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let dec = png::Decoder::new(std::io::Cursor::new(&bytes));
        let reader = dec.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
    }

    #[test]
    fn one_score_and_out_of_range_scores_still_draw() {
        assert!(progress_png(&[77]).is_ok());
        assert!(progress_png(&[250; 40]).is_ok());
        assert!(matches!(progress_png(&[]), Err(ChartError::NoData)));
    }
}
