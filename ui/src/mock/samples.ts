// Test-only sample data for the fake engine: Lever lists, bob fields, candidates.
import type { BobField, Candidate, DryRun, FieldPreviewRow, LeverLists } from "../api";
import { PREVIEW_SAID } from "../generated/facts";
import { fill } from "./fill";

export const PARTNER_TESTS = [
  { partner_test_id: "12345", partner_test_name: "Byteboard SWE" },
  { partner_test_id: "23456", partner_test_name: "Byteboard Data" },
  { partner_test_id: "34567", partner_test_name: "Byteboard SRE" },
];

const stage = (id: string, text: string) => ({ id, text, type: "stage" });
const reason = (id: string, text: string, type = "non-hired") => ({ id, text, type });

export const LEVER_LISTS: LeverLists = {
  stages: [
    stage("stage-new", "New applicant"),
    stage("stage-screen", "Phone screen"),
    stage("stage-assess", "Byteboard assessment"),
    stage("stage-onsite", "Onsite interview"),
    stage("stage-offer", "Offer"),
  ],
  archive_reasons: [
    reason("reason-rejected", "Underqualified"),
    reason("reason-withdrew", "Withdrew"),
    reason("reason-hired", "Hired", "hired"),
    reason("reason-declined", "Offer declined"),
    reason("reason-position", "Position filled"),
    reason("reason-odd", "Moved to talent pool"),
  ],
  tags: [
    { text: "Byteboard SWE", count: 12 },
    { text: "Byteboard Data", count: 3 },
    { text: "Referral", count: 40 },
  ],
  tests: PARTNER_TESTS,
  proposed: {
    lever: { base_url: "", perform_as: "", max_event_age_minutes: 20160, reconcile_hours: 6 },
    bob: { base_url: "", review_before_create: true, default_site: "", watch_days: 30 },
    assessment: { provider: "", list_tests_url: "", send_test_url: "", test_status_url: "", outcome_url: "", response_error_url: "", sent_by: "", poll_minutes: 60, missed_invites: "send" },
    stages: { assessment: "stage-assess", onsite: "stage-onsite", offer: "stage-offer" },
    archive_reasons: {
      "reason-rejected": "rejected",
      "reason-withdrew": "withdrew",
      "reason-hired": "offer-accepted",
      "reason-declined": "offer-declined",
      "reason-position": "not-applicable",
    },
    interview_types: { "Byteboard SWE": "12345" },
    score_rules: [],
    fields: [],
    value_map: {},
    privacy: { history_retention_days: 365 },
    names: { stages: {}, archive_reasons: {}, unmapped_seen: {} },
  },
  unmapped_reasons: ["Moved to talent pool"], // the engine lists reasons by their text
};

const field = (id: string, name: string, category: string, type: string): BobField => ({
  id,
  name,
  category,
  categoryDisplayName: category[0].toUpperCase() + category.slice(1),
  jsonPath: id,
  type,
  typeData: null,
  historical: false,
});

export const BOB_FIELDS: BobField[] = [
  field("root.firstName", "First name", "root", "text"),
  field("root.surname", "Last name", "root", "text"),
  field("root.email", "Email", "root", "text"),
  field("work.startDate", "Start date", "work", "date"),
  field("work.site", "Site", "work", "list"),
  field("work.title", "Job title", "work", "list"),
  field("work.department", "Department", "work", "list"),
  field("payroll.employment.equity", "Equity", "payroll", "number"),
  field("payroll.salary.base", "Base salary", "payroll", "currency"),
  field("custom.field_1", "Laptop", "custom", "list"),
  field("custom.field_2", "Relocation", "custom", "text"),
];

export const FIELD_PREVIEW: FieldPreviewRow[] = [
  {
    bob_id: "payroll.employment.equity",
    bob_name: "Equity",
    bob_type: "number",
    source: "offer field “Equity”",
    automatic: true,
    lever_value: "1,200",
    converted: 1200,
    error: null,
  },
  {
    bob_id: "custom.field_1",
    bob_name: "Laptop",
    bob_type: "list",
    source: "offer field “Laptop”",
    automatic: true,
    lever_value: "Macbook Pro",
    converted: null,
    error: "“Macbook Pro” is not an item of bob's list Laptop (MacBook Pro 14, ThinkPad X1)",
  },
  {
    bob_id: "payroll.salary.base",
    bob_name: "Base salary",
    bob_type: "currency",
    source: "mapping custom_base",
    automatic: false,
    lever_value: 85000,
    converted: { value: 85000, currency: "GBP" },
    error: null,
  },
];

export const CANDIDATES: Candidate[] = [
  { opportunity_id: "opp-ada", name: "Ada Lovelace", email: "ada@example.com" },
  { opportunity_id: "opp-grace", name: "Grace Hopper", email: "grace@example.com" },
  { opportunity_id: "opp-alan", name: "Alan Turing", email: null },
];

/** `preview::dry_run` in the engine, sentence for sentence (its invite line included). */
export function dryRunFor(c: Candidate): DryRun {
  const exists = c.opportunity_id === "opp-grace";
  const [first, ...rest] = c.name.split(" ");
  const employee = exists || !c.email
    ? null
    : {
        firstName: first,
        surname: rest.join(" "),
        email: c.email,
        work: { startDate: "2025-12-01", site: "London", title: "Software Engineer", department: "Engineering" },
        payroll: { employment: { equity: 1200 } },
      };
  const notes = exists
    ? []
    : c.email
      ? ["Offer field “Laptop”: “Macbook Pro” is not an item of bob's list Laptop"]
      : [PREVIEW_SAID.noEmail];
  return {
    candidate: c.name,
    employee,
    existing_employee_id: exists ? "3332883000042" : null,
    documents: [
      { name: "CV.pdf", size: 183_204, already_uploaded: exists },
      { name: "Offer letter (signed).pdf", size: 92_110, already_uploaded: false },
    ],
    // Alan has no interview-type tag; the others are tagged Byteboard SWE (test 12345).
    invite: c.email ? fill(PREVIEW_SAID.invite, { tag: "Byteboard SWE", test: "12345", to: c.email }) : PREVIEW_SAID.noInviteTag,
    // Grace (who exists in bob) was invited before: 1 Dec 2026, 09:30 UTC.
    invite_sent_at: exists ? Date.UTC(2026, 11, 1, 9, 30) : null,
    notes,
  };
}
