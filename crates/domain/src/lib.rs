//! Pure domain types and rules of phongdich: no IO, no async, no database.
//! Input becomes a checked type here ("parse, don't validate"); the rest of the
//! system never sees an unchecked national ID, phone number or unit code.

#![warn(unreachable_pub)]

pub mod access;
pub mod campaign;
pub mod case;
pub mod case_code;
pub mod choice;
pub mod clock;
pub mod cluster;
pub mod contact;
pub mod country;
pub mod declaration;
pub mod directive;
pub mod error;
pub mod green_zone;
pub mod levels;
pub mod lockdown;
pub mod person;
pub mod place;
pub mod quarantine;
pub mod report;
pub mod response;
pub mod returnees;
pub mod similarity;
pub mod testing;
pub mod text;
pub mod tracing;
pub mod treatment;
pub mod unit;

pub use access::{Permission, Role};
pub use clock::Clock;
pub use error::{FieldError, Invalid};
pub use person::{Birth, NationalId, NewPerson, PersonInput, PhoneNumber, Sex, Vulnerability};
pub use unit::{UnitCode, UnitLevel};
