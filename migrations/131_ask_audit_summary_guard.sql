-- The number guard's event on an ask: when the model's summary carried a money figure, count or
-- date that the rows do not support, the answer was built from the rows instead, and this reason
-- code says why (UNTRACEABLE_MONEY, MISLABELED_MONEY, UNTRACEABLE_COUNT, UNTRACEABLE_DATE).
-- A code only: never the figure or the text.
SET LOCAL ROLE claims_owner;

ALTER TABLE public.ask_audit
  ADD COLUMN summary_guard text CHECK (summary_guard ~ '^[A-Z_]{2,40}$');

GRANT INSERT (summary_guard) ON public.ask_audit TO claims_app;
