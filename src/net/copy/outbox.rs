//! The bytes waiting for the stream: the current piece of input, then the telnet answers.

/// Telnet answers waiting behind a stalled write beyond which the pump stops reading the
/// peer: a server that negotiates faster than it reads the answers is held back, and no
/// answer is ever dropped (each answer is no longer than its request, so one read adds at
/// most a read's worth).
pub const MAX_PENDING: usize = 64 * 1024;

/// What the pump still has to write, in order. One piece of input at a time (the pump reads
/// the next only when this is empty, which is the back-pressure on stdin). Answers queue
/// beside it and go out once the piece is written whole, so an answer never lands inside
/// an escaped 0xFF or a CR LF of the data.
#[derive(Debug, Default)]
pub struct Outbox {
    piece: Vec<u8>,
    written: usize,
    answers: Vec<u8>,
}

impl Outbox {
    /// Queues a piece of input; the pump calls it only when `is_empty`.
    pub fn push(&mut self, bytes: &[u8]) {
        self.promote();
        self.piece.extend_from_slice(bytes);
    }

    /// Queues telnet answers, after those already waiting.
    pub fn answer(&mut self, bytes: &[u8]) {
        self.answers.extend_from_slice(bytes);
    }

    /// Whether so many answers wait that the peer must not be read until some are written.
    /// Those already promoted to the piece are not counted: the piece is at most one batch
    /// of them, so no more than twice [`MAX_PENDING`] and two reads' worth wait in all.
    pub fn backed_up(&self) -> bool {
        self.answers.len() >= MAX_PENDING
    }

    /// The bytes to write next; empty when nothing waits.
    pub fn next(&mut self) -> &[u8] {
        self.promote();
        &self.piece[self.written..]
    }

    /// `n` bytes of `next` were written.
    pub fn advance(&mut self, n: usize) {
        self.written = (self.written + n).min(self.piece.len());
    }

    pub fn is_empty(&self) -> bool {
        self.written == self.piece.len() && self.answers.is_empty()
    }

    /// Once the piece is written, the answers become the next piece.
    fn promote(&mut self) {
        if self.written == self.piece.len() {
            self.piece.clear();
            self.written = 0;
            std::mem::swap(&mut self.piece, &mut self.answers);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_wait_for_the_whole_piece() {
        let mut outbox = Outbox::default();
        assert!(outbox.is_empty() && outbox.next().is_empty());
        outbox.push(b"ab\xff\xff");
        outbox.answer(b"\xff\xfc\x18");
        assert_eq!(outbox.next(), b"ab\xff\xff");
        outbox.advance(3);
        assert_eq!(outbox.next(), b"\xff", "no answer inside the escaped 0xFF");
        outbox.advance(1);
        assert!(!outbox.is_empty());
        assert_eq!(outbox.next(), b"\xff\xfc\x18");
        outbox.advance(3);
        assert!(outbox.is_empty() && outbox.next().is_empty());
    }

    #[test]
    fn answers_are_never_dropped_and_hold_back_reading_beyond_the_limit() {
        let mut outbox = Outbox::default();
        outbox.answer(&vec![1; MAX_PENDING - 1]);
        assert!(!outbox.backed_up());
        outbox.answer(b"\xff\xfc\x18");
        assert!(outbox.backed_up(), "reading the peer waits");
        assert_eq!(outbox.next().len(), MAX_PENDING + 2, "all of it goes out");
        assert!(
            !outbox.backed_up(),
            "once the answers are the piece being written"
        );
        outbox.advance(MAX_PENDING + 2);
        assert!(outbox.is_empty());
    }
}
