/**
 * The language a member wrote in: English (default) or Spanish. Deterministic word evidence,
 * so the pipeline, the interpretation and the offline engine agree on it for the same question.
 */

export type Lang = 'en' | 'es';

const SPANISH_WORDS = new Set(
  `cuánto cuanto cuánta cuanta cuántos cuantos cuántas cuantas cuándo cuando qué que cuál cual dónde donde quién
  mi mis mí yo nosotros nuestra nuestro nuestras nuestros el la los las del al un una unos unas y o por para con de en
  año años pasado pasada este esta estos estas mes meses semana semanas días último última últimos últimas desde hasta entre
  gasté gastó gastamos gastaron gasto gastos pagué pagó pagamos pagaron pago pagos debo debe tuve tuvo tuvimos tengo tiene
  fui fue fuimos fueron visité visitó visita visitas consulta consultas cita citas médico médica médicos doctora
  receta recetas medicina medicinas medicamento medicamentos farmacia farmacias reclamación reclamaciones reclamo
  reclamos esposo esposa marido mujer hijo hija hijos hijas nieto nieta nietos padre madre papá mamá abuelo abuela hermano
  hermana seguro bolsillo cobró cobraron facturó promedio reciente veces vez cuenta cuentas deducible`.split(/\s+/),
);

const ENGLISH_WORDS = new Set(
  `how much many what which when where who did do does have has had the my our we i me is are was were for in on at of to
  this last year month spend spent pay paid claims claim prescriptions doctor visit visits show list total`.split(
    /\s+/,
  ),
);

/**
 * 'es' when the words are mostly Spanish (or the question opens with ¿ / ¡), else 'en'.
 *
 * @example
 * detectLanguage('¿Cuánto gasté en recetas este año?') // 'es'
 * detectLanguage('How much did I spend this year?')    // 'en'
 */
export function detectLanguage(text: string): Lang {
  const lower = text.toLowerCase();
  const words = lower.match(/[a-záéíóúüñ]+/g) ?? [];
  let es = /[¿¡]/.test(text) ? 2 : 0;
  let en = 0;
  for (const w of words) {
    if (SPANISH_WORDS.has(w)) es += 1;
    if (ENGLISH_WORDS.has(w)) en += 1;
    if (/[áéíóúñ]/.test(w)) es += 1;
  }
  return es >= 2 && es > en ? 'es' : 'en';
}
