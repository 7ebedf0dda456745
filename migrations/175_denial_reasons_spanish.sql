-- Denial reasons in Spanish: a Spanish question about a denied claim is answered in Spanish, its
-- reason and next steps included (they were shown in English, marked "en inglés"). Reference
-- data, the same for everyone, under the same policy and grants as the English columns.
SET LOCAL ROLE claims_owner;

ALTER TABLE public.denial_reasons
  ADD COLUMN title_es text CHECK (length(title_es) BETWEEN 3 AND 80),
  ADD COLUMN explanation_es text CHECK (length(explanation_es) BETWEEN 10 AND 400),
  ADD COLUMN next_steps_es text CHECK (length(next_steps_es) BETWEEN 10 AND 400);

-- The owner writes reference rows with row-level security lifted for this transaction only (the
-- table has a read policy and no write policy: nobody writes it at run time).
ALTER TABLE public.denial_reasons NO FORCE ROW LEVEL SECURITY;
UPDATE public.denial_reasons d SET title_es = v.title_es, explanation_es = v.explanation_es, next_steps_es = v.next_steps_es
FROM (VALUES
  ('16', 'Falta información',
   'A la reclamación le faltaba información o tenía un error de facturación, así que el plan no pudo procesarla.',
   'Pida a su proveedor que envíe una reclamación corregida con la información que falta. No debe este monto mientras se corrige.'),
  ('18', 'Reclamación duplicada',
   'Esta reclamación es una copia exacta de otra que el plan ya procesó, así que no se pagó dos veces.',
   'No tiene que hacer nada: la primera reclamación por este servicio ya se procesó. Si cree que fue otra visita, pida a su proveedor que revise su facturación.'),
  ('22', 'Otro seguro puede pagar primero',
   'Puede que otro plan de seguro tenga que pagar primero por esta atención (coordinación de beneficios).',
   'Llame a servicio al cliente para informarnos de cualquier otro seguro que tenga (por ejemplo, el plan de su cónyuge); después la reclamación se puede procesar de nuevo.'),
  ('27', 'Atención después de terminar la cobertura',
   'La atención fue en una fecha en la que esta persona no tenía cobertura del plan.',
   'Si cree que las fechas de cobertura están mal, llame a servicio al cliente. Si no, el proveedor puede cobrarle a usted.'),
  ('29', 'Presentada fuera de plazo',
   'El proveedor envió la reclamación después de que venciera el plazo para presentarla.',
   'Los proveedores de la red no pueden cobrarle por esto. Si recibe una factura, llame a servicio al cliente.'),
  ('50', 'No es médicamente necesario',
   'El plan decidió que este servicio no era médicamente necesario según la información que recibió.',
   'Puede pedir a su médico que envíe más información y solicitar una apelación. Llame a servicio al cliente para iniciar una apelación.'),
  ('96', 'Servicio no cubierto',
   'Su plan no cubre este servicio.',
   'Revise los documentos de su plan para ver qué servicios cubre. El proveedor puede cobrarle; puede solicitar una apelación si cree que debería estar cubierto.'),
  ('97', 'Incluido en otro servicio',
   'Este cargo forma parte de otro servicio que ya se pagó (agrupado), así que no se paga por separado.',
   'No tiene que hacer nada: los proveedores de la red no pueden cobrárselo. Si recibe una factura, llame a servicio al cliente.'),
  ('119', 'Límite del beneficio alcanzado',
   'Se alcanzó el límite de este beneficio para el año del plan (por ejemplo, el número de visitas).',
   'Revise cuántas visitas permite su plan. Puede solicitar una apelación si su médico dice que más visitas son médicamente necesarias.'),
  ('197', 'Se necesitaba aprobación previa',
   'El plan tenía que aprobar este servicio antes de que se hiciera (autorización previa) y no había ninguna aprobación registrada.',
   'Pida a su proveedor que solicite la aprobación y vuelva a enviar la reclamación, o solicite una apelación. Llame a servicio al cliente si necesita ayuda.'),
  ('204', 'No cubierto por su plan actual',
   'Este servicio, medicamento o suministro no está cubierto por su plan actual.',
   'Pregunte a su médico por una alternativa cubierta (para un medicamento, uno de la lista del plan) o solicite una apelación.'),
  ('242', 'Proveedor fuera de la red',
   'La atención fue de un proveedor fuera de la red de su plan, que su plan no cubre salvo en una emergencia.',
   'La próxima vez use un proveedor de la red. Si fue una emergencia o lo remitieron, solicite una apelación.')
) AS v (reason_code, title_es, explanation_es, next_steps_es)
WHERE d.reason_code = v.reason_code;

-- Every reason has its Spanish words; a reason added later without them fails here, not in an answer.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM public.denial_reasons WHERE title_es IS NULL OR explanation_es IS NULL OR next_steps_es IS NULL) THEN
    RAISE EXCEPTION 'a denial reason has no Spanish words';
  END IF;
END $$;
ALTER TABLE public.denial_reasons FORCE ROW LEVEL SECURITY;
ALTER TABLE public.denial_reasons
  ALTER COLUMN title_es SET NOT NULL,
  ALTER COLUMN explanation_es SET NOT NULL,
  ALTER COLUMN next_steps_es SET NOT NULL;

GRANT SELECT (title_es, explanation_es, next_steps_es) ON public.denial_reasons TO claims_member;
