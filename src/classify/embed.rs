//! Static word-piece vectors: a dense reading of a message that carries over
//! to words the training data never used ("umbrella" sits near "rain").
//!
//! Owns: BERT-style uncased WordPiece tokenisation and the table of token
//! vectors in `data/embeddings/` (distilled from a sentence-embedding model by
//! `tools/distill/distill.py`; see the README there), and the weighted mean of
//! a text's token vectors.
//! Must not: allocate per token beyond the token list, or fail: a text of no
//! known tokens reads as the zero vector.

use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Dimensions of a token vector.
pub const DIMS: usize = 128;

const VOCAB: &str = include_str!("../../data/embeddings/vocab.txt");
const VECTORS: &[u8] = include_bytes!("../../data/embeddings/vectors.bin");
/// Bytes of one row: an f32 scale, then `DIMS` signed bytes.
const ROW: usize = 4 + DIMS;
/// The longest word WordPiece tries to split; longer ones are unknown.
const MAX_WORD: usize = 100;

/// The token table, read once per process from the embedded files.
#[derive(Debug)]
pub struct Embeddings {
    ids: HashMap<&'static str, u32>,
    /// Dequantised vectors, `DIMS` per token, in vocabulary order.
    vectors: Vec<f32>,
}

impl Embeddings {
    /// The embedded table (built on first use, then shared).
    pub fn get() -> &'static Embeddings {
        static TABLE: OnceLock<Embeddings> = OnceLock::new();
        TABLE.get_or_init(|| Embeddings::parse(VOCAB, VECTORS))
    }

    fn parse(vocab: &'static str, bytes: &[u8]) -> Embeddings {
        let rows = bytes.len() / ROW;
        let mut ids = HashMap::new();
        for (i, tok) in vocab.lines().enumerate().take(rows) {
            ids.entry(tok).or_insert(i as u32);
        }
        let mut vectors = Vec::with_capacity(rows * DIMS);
        for row in bytes.chunks_exact(ROW) {
            let scale = f32::from_le_bytes([row[0], row[1], row[2], row[3]]);
            vectors.extend(row[4..].iter().map(|&q| q as i8 as f32 * scale));
        }
        Embeddings { ids, vectors }
    }

    /// Number of tokens in the table.
    pub fn len(&self) -> usize {
        self.vectors.len() / DIMS
    }

    /// Whether the table is empty (never for the embedded one).
    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// The vector of token `id`.
    pub fn vector(&self, id: u32) -> &[f32] {
        let start = id as usize * DIMS;
        self.vectors.get(start..start + DIMS).unwrap_or(&[])
    }

    /// WordPiece token ids of `text` (unknown words are left out).
    pub fn tokens(&self, text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for word in basic_words(text) {
            self.word_pieces(&word, &mut out);
        }
        out
    }

    /// Greedy longest-match-first split of one word into known pieces; a word
    /// that cannot be split entirely contributes nothing.
    fn word_pieces(&self, word: &str, out: &mut Vec<u32>) {
        if word.chars().count() > MAX_WORD {
            return;
        }
        let start_len = out.len();
        let mut start = 0;
        let mut piece = String::new();
        while start < word.len() {
            let mut end = word.len();
            let mut found = None;
            while end > start {
                if !word.is_char_boundary(end) {
                    end -= 1;
                    continue;
                }
                piece.clear();
                if start > 0 {
                    piece.push_str("##");
                }
                piece.push_str(&word[start..end]);
                if let Some(&id) = self.ids.get(piece.as_str()) {
                    found = Some(id);
                    break;
                }
                end -= 1;
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(start_len);
                    return;
                }
            }
        }
    }
}

/// BERT's uncased basic tokenisation: lower case, accents stripped, split on
/// white space and around punctuation; control characters dropped.
fn basic_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) || c.is_control() && c != '\n' {
            continue;
        }
        if c.is_whitespace() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
        } else if c.is_ascii_punctuation() || (!c.is_alphanumeric() && !c.is_ascii()) {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            words.push(c.to_string());
        } else {
            cur.extend(c.to_lowercase());
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
        let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
        dot / (na * nb).max(1e-9)
    }

    #[test]
    fn the_embedded_table_covers_the_vocabulary() {
        let e = Embeddings::get();
        assert_eq!(e.len(), VOCAB.lines().count());
        assert_eq!(e.vector(0).len(), DIMS);
        assert!(e.vector(u32::MAX).is_empty());
    }

    #[test]
    fn word_pieces_split_unknown_words_and_skip_what_cannot_split() {
        let e = Embeddings::get();
        let t = e.tokens("Unbelievably, CAFÉ");
        assert!(t.len() >= 3, "{t:?}");
        assert_eq!(e.tokens("café"), e.tokens("cafe"));
        assert!(e.tokens("").is_empty());
        assert!(e.tokens(&"x".repeat(500)).is_empty());
        // Emoji and control characters never panic.
        let _ = e.tokens("\u{0}\u{1F600}🙂 <@123> @everyone\u{202E}");
    }

    #[test]
    fn related_words_sit_closer_than_unrelated_ones() {
        let e = Embeddings::get();
        let v = |w: &str| e.vector(e.tokens(w)[0]).to_vec();
        assert!(cosine(&v("rain"), &v("weather")) > cosine(&v("rain"), &v("salary")));
        assert!(cosine(&v("difficult"), &v("hard")) > cosine(&v("difficult"), &v("pizza")));
    }
}
