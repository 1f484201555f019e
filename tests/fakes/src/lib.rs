//! Fake vendors.
