//! A certificate's status on a date, from its dated events and the
//! standard's certificate lifecycle.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::registry::{Certificate, EventKind};
use crate::rules::Lifecycle;

/// A certificate is "expiring soon" in its last this many days of validity.
pub const EXPIRING_SOON_DAYS: i64 = 90;

/// The first day of the last `days` days of validity ending on `last_day`:
/// "届满前90天内" is the 90 days that end on the last day of validity, so the
/// window opens on `last_day − 89 days` and is exactly 90 days long.
pub fn last_days_from(last_day: Date, days: i64) -> Option<Date> {
    last_day.checked_sub((days - 1).max(0).days()).ok()
}

/// The first day from which `last_day` is [`EXPIRING_SOON_DAYS`] away or less.
pub fn expiring_soon_from(last_day: Date) -> Option<Date> {
    last_days_from(last_day, EXPIRING_SOON_DAYS)
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Valid,
    ExpiringSoon,
    ConfirmationDue,
    ConfirmationOverdue,
    Suspended,
    Revoked,
    Expired,
    NotYetIssued,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::ExpiringSoon => "expiring-soon",
            Status::ConfirmationDue => "confirmation-due",
            Status::ConfirmationOverdue => "confirmation-overdue",
            Status::Suspended => "suspended",
            Status::Revoked => "revoked",
            Status::Expired => "expired",
            Status::NotYetIssued => "not-yet-issued",
        }
    }

    /// Does the certificate still attest its level on the date?
    pub fn in_force(self) -> bool {
        matches!(
            self,
            Status::Valid
                | Status::ExpiringSoon
                | Status::ConfirmationDue
                | Status::ConfirmationOverdue
        )
    }
}

/// A warning or rectification order, with the note the registry gives it.
#[derive(Debug, Clone, Serialize)]
pub struct Sanction {
    pub kind: EventKind,
    pub date: Date,
    pub note: Option<String>,
    pub note_en: Option<String>,
}

/// What a certificate's events say on the grading date.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateState {
    pub status: Status,
    pub issued: Date,
    /// Last day of validity (after renewals up to the date).
    pub valid_until: Date,
    /// The date the status started: suspension, revocation, expiry; the
    /// anniversary a confirmation is due before; `None` for valid.
    pub status_date: Option<Date>,
    /// Renewal may be applied for on the date (the standard's window).
    pub renewal_window_open: bool,
    /// Warnings and rectification orders in the current validity period.
    pub sanctions: Vec<Sanction>,
    /// Next annual confirmation: the anniversary it is due before.
    pub next_confirmation: Option<Date>,
}

/// The state of `cert` on `date`. `lifecycle` is the standard's, if any.
/// Returns `None` for a certificate without an `issued` event (an error the
/// registry check reports).
pub fn state(
    cert: &Certificate,
    lifecycle: Option<&Lifecycle>,
    date: Date,
) -> Option<CertificateState> {
    let first = cert.events.first()?;
    if first.kind != EventKind::Issued {
        return None;
    }
    let issued = first.date.0;
    let validity = lifecycle.and_then(|l| l.validity);
    let end_of = |start: Date| -> Option<Date> {
        // Valid for the period, i.e. through the day before the anniversary.
        validity
            .and_then(|v| start.checked_add(v.jiff()).ok())
            .and_then(|d| d.yesterday().ok())
    };
    let mut period_start = issued;
    let mut valid_until = cert.valid_until.map(|d| d.0).or_else(|| end_of(issued))?;
    let mut status = Status::Valid;
    let mut status_date = None;
    let mut sanctions = Vec::new();
    let mut terminal: Option<(Status, Date)> = None;
    for event in cert.events.iter().skip(1).filter(|e| e.date.0 <= date) {
        let on = event.date.0;
        match event.kind {
            EventKind::Renewed => {
                // Renewed in time: the new period follows on; late: it starts on the day.
                let start = if on <= valid_until {
                    valid_until.tomorrow().ok()?
                } else {
                    on
                };
                valid_until = match event.valid_until {
                    Some(until) => until.0,
                    None => end_of(start)?,
                };
                period_start = start;
                sanctions.clear();
                if status == Status::Suspended {
                    status = Status::Valid;
                }
            }
            EventKind::Suspended => {
                status = Status::Suspended;
                status_date = Some(on);
            }
            EventKind::Reinstated => {
                status = Status::Valid;
                status_date = None;
            }
            EventKind::Revoked => terminal = terminal.or(Some((Status::Revoked, on))),
            EventKind::Expired => terminal = terminal.or(Some((Status::Expired, on))),
            EventKind::Warning | EventKind::RectificationOrdered => sanctions.push(Sanction {
                kind: event.kind,
                date: on,
                note: event.note.clone(),
                note_en: event.note_en.clone(),
            }),
            EventKind::AnnualConfirmation | EventKind::Issued => {}
        }
    }
    let renewal_days = lifecycle
        .and_then(|l| l.renewal.as_ref())
        .map(|r| i64::from(r.days_before_expiry));
    let renewal_window_open = renewal_days.is_some_and(|days| {
        last_days_from(valid_until, days).is_some_and(|from| from <= date && date <= valid_until)
    });
    let confirmation = lifecycle
        .and_then(|l| l.annual_confirmation.as_ref())
        .and_then(|a| {
            confirmation_state(
                cert,
                period_start,
                valid_until,
                i64::from(a.days_before_anniversary),
                date,
            )
        });
    let next_confirmation = confirmation
        .filter(|c| c.0.is_none() && c.1 >= date)
        .map(|c| c.1);

    let (status, status_date) = if date < issued {
        (Status::NotYetIssued, Some(issued))
    } else if let Some((s, on)) = terminal {
        (s, Some(on))
    } else if status == Status::Suspended {
        (status, status_date)
    } else if date > valid_until {
        (Status::Expired, valid_until.tomorrow().ok())
    } else if let Some((Some(s), anniversary)) = confirmation {
        (s, Some(anniversary))
    } else if expiring_soon_from(valid_until).is_some_and(|from| from <= date) {
        (Status::ExpiringSoon, Some(valid_until))
    } else {
        (Status::Valid, None)
    };
    Some(CertificateState {
        status,
        issued,
        valid_until,
        status_date,
        renewal_window_open,
        sanctions,
        next_confirmation,
    })
}

/// Annual confirmation on `date`: the anniversary in question and whether a
/// confirmation is due (window open) or overdue (anniversary reached without
/// one); `None` status when every opened window is confirmed.
///
/// "每年在证书签发之日前30天内": the window of anniversary A is the 30 days
/// before A, A − 30 … A − 1; from A itself it is overdue. Anniversaries are
/// counted from the start of the validity period; one that falls after the
/// end of validity is replaced by renewal.
///
/// Which year an event confirms: one inside a window is that year's
/// confirmation (the yearly survey the text asks for); one after a missed
/// anniversary and before the next window, or a second one in a window,
/// is a late confirmation of the latest year still unconfirmed. So a year
/// missed stays overdue, after the next window opens and after the next
/// year is confirmed, until a confirmation of its own answers it; one
/// event never confirms two years. The earliest unconfirmed anniversary
/// decides the status.
fn confirmation_state(
    cert: &Certificate,
    period_start: Date,
    valid_until: Date,
    window_days: i64,
    date: Date,
) -> Option<(Option<Status>, Date)> {
    let mut confirmations: Vec<Date> = cert
        .events
        .iter()
        .filter(|e| e.kind == EventKind::AnnualConfirmation && e.date.0 <= date)
        .map(|e| e.date.0)
        .collect();
    confirmations.sort();
    // The anniversaries whose window has opened by the date, in order.
    let mut anniversaries = Vec::new();
    for year in 1..=100i64 {
        let anniversary = period_start.checked_add(year.years()).ok()?;
        if anniversary > valid_until {
            break;
        }
        let opens = anniversary.checked_sub(window_days.days()).ok()?;
        if opens > date {
            anniversaries.push((anniversary, opens, false));
            break;
        }
        anniversaries.push((anniversary, opens, true));
    }
    let opened = anniversaries.iter().filter(|a| a.2).count();
    let mut confirmed = vec![false; opened];
    for on in confirmations {
        // The latest unconfirmed year whose window had opened by `on`.
        if let Some(i) = (0..opened)
            .rev()
            .find(|&i| !confirmed[i] && anniversaries[i].1 <= on)
        {
            confirmed[i] = true;
        }
    }
    match confirmed.iter().position(|c| !c) {
        Some(i) => {
            let anniversary = anniversaries[i].0;
            let status = if date < anniversary {
                Status::ConfirmationDue
            } else {
                Status::ConfirmationOverdue
            };
            Some((Some(status), anniversary))
        }
        None => anniversaries.get(opened).map(|a| (None, a.0)),
    }
}
