-- What kind of write a purchase or return row is — a till's sale, a replay of history through the
-- programme, or history imported as it was — is a column of its own (it used to be a marker written
-- in place of the request hash).
ALTER TABLE purchases ADD COLUMN kind VARCHAR(16) DEFAULT 'TILL' NOT NULL;
UPDATE purchases SET kind = 'REPLAY', request_hash = '' WHERE request_hash = 'replay';
UPDATE purchases SET kind = 'HISTORY', request_hash = '' WHERE request_hash = 'history-import';
ALTER TABLE purchase_returns ADD COLUMN kind VARCHAR(16) DEFAULT 'TILL' NOT NULL;
UPDATE purchase_returns SET kind = 'REPLAY', request_hash = '' WHERE request_hash = 'replay';
UPDATE purchase_returns SET kind = 'HISTORY', request_hash = '' WHERE request_hash = 'history-import';
