-- A contact's texts, whatever their state. Every text step counts the contact's texts sent or under way (the
-- touch cap of the compliance work: step-facts.ts and step-send.ts), and the only index by contact held done
-- texts alone, so each of those two statements read the whole run_steps table: Postgres CPU per step rose with
-- the table, 13 ms at 6,000 runs in the bench (issue 19). This one index serves both and the reports that read
-- done texts by location.
create index run_steps_contact_texts on run_steps (location_id, contact_id) where action = 'sms';
drop index run_steps_contact_sms;
