//! Rebuilds the binary when a shipped scenario file is added, removed or changed
//! (they are embedded with `include_dir!`, which cargo cannot track by itself).
fn main() {
    println!("cargo:rerun-if-changed=scenarios");
}
