//! The Discord front end (serenity + poise). The only module that imports them.

pub mod view;
