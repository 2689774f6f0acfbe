package i18n

import "strings"

// Term words a skill, tag or need from Nexo's shared vocabulary (the demo
// workspace's, which are also the commonest in real networks) in the
// printer's language: "data analysis" reads "análisis de datos" in Spanish.
// Anything else is the user's own words and comes back as it was.
func (p *Printer) Term(s string) string {
	if p.locale != "es" {
		return s
	}
	if t, ok := glossaryES[strings.ToLower(strings.TrimSpace(s))]; ok {
		return t
	}
	return s
}

// Terms words each of l with Term.
func (p *Printer) Terms(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = p.Term(s)
	}
	return out
}

// glossaryES is the shared vocabulary in Spanish; keys are lower case.
var glossaryES = map[string]string{
	// Skills.
	"data analysis": "análisis de datos", "machine learning": "aprendizaje automático", "statistics": "estadística",
	"distributed systems": "sistemas distribuidos", "security": "seguridad", "ux research": "investigación UX",
	"design systems": "sistemas de diseño", "roadmapping": "hojas de ruta", "user interviews": "entrevistas con usuarios",
	"pricing": "precios", "enterprise sales": "ventas a empresas", "negotiation": "negociación",
	"partnerships": "alianzas", "growth": "crecimiento", "branding": "marca", "fundraising": "captación de fondos",
	"financial modelling": "modelos financieros", "accounting": "contabilidad", "gdpr compliance": "cumplimiento del RGPD",
	"contracts": "contratos", "ip law": "propiedad intelectual", "seed investing": "inversión semilla",
	"due diligence": "due diligence", "hiring": "contratación", "employer branding": "marca empleadora",
	"onboarding": "incorporación", "research": "investigación", "teaching": "docencia",
	// Needs.
	"hiring data analysts": "contratar analistas de datos", "gpu budget": "presupuesto para GPU",
	"hiring engineers": "contratar ingenieros", "gdpr advice": "asesoría sobre el RGPD",
	"freelance clients": "clientes como freelance", "mentor in data analysis": "un mentor en análisis de datos",
	"ux research help": "ayuda con investigación UX", "introductions to buyers": "presentaciones a compradores",
	"data analysis help": "ayuda con análisis de datos", "investor introductions": "presentaciones a inversores",
	"new clients": "clientes nuevos", "deal flow": "oportunidades de inversión", "founders to back": "fundadores a los que apoyar",
	"candidates": "candidatos", "industry partners": "socios en la industria", "an investor": "un inversor",
	// Tags.
	"mentor": "mentor", "founder": "fundador", "investor": "inversor", "friend": "amistad", "connector": "conector",
	"solved: gdpr compliance": "resuelto: cumplimiento del RGPD",
}
