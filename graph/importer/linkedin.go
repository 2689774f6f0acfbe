package importer

import (
	"bufio"
	"slices"
)

// linkedInColumns maps the normalised column names of Connections.csv, in
// the languages LinkedIn exports in, to their meaning. The export is read by
// name, never by position.
var linkedInColumns = map[string]string{
	"first name": "first", "vorname": "first", "nombre": "first", "prenom": "first", "nome": "first",
	"primeiro nome": "first",

	"last name": "last", "nachname": "last", "apellidos": "last", "apellido": "last", "nom": "last",
	"nom de famille": "last", "sobrenome": "last", "apelido": "last", "ultimo nome": "last",

	"url": "url", "profile url": "url", "linkedin url": "url", "profil url": "url",
	"url del perfil": "url", "url du profil": "url", "url do perfil": "url",

	"email address": "email", "e mail address": "email", "email": "email", "e mail": "email",
	"e mail adresse": "email", "email adresse": "email", "direccion de correo electronico": "email",
	"correo electronico": "email", "adresse e mail": "email", "adresse email": "email",
	"adresse de courriel": "email", "courriel": "email", "endereco de e mail": "email",
	"endereco de email": "email",

	"company": "company", "unternehmen": "company", "firma": "company", "empresa": "company",
	"entreprise": "company", "societe": "company",

	"position": "position", "cargo": "position", "poste": "position", "puesto": "position",
	"posicao": "position", "titre": "position", "titulo": "position",

	"connected on": "connected", "verbunden am": "connected", "verbunden seit": "connected",
	"vernetzt am": "connected", "vernetzt seit": "connected", "fecha de conexion": "connected",
	"conectado el": "connected", "conectado desde": "connected", "date de connexion": "connected",
	"connecte le": "connected", "connecte depuis": "connected", "en relation depuis": "connected",
	"conectado em": "connected", "data de conexao": "connected", "conexao em": "connected",
}

// isLinkedInHeader reports whether cols are Connections.csv's header: first
// and last name and at least one of URL and the connection date.
func isLinkedInHeader(cols []string) bool {
	has := map[string]bool{}
	for _, c := range cols {
		has[linkedInColumns[c]] = true
	}
	return has["first"] && has["last"] && (has["url"] || has["connected"])
}

type linkedInParser struct {
	t          *csvTable
	cfg        parseConfig
	monthFirst bool // numeric dates are American (month first)
}

func newLinkedInParser(r *bufio.Reader, cfg parseConfig) (*linkedInParser, error) {
	t, err := openTable(r, isLinkedInHeader, "No LinkedIn header found: Connections.csv has a line like "+
		"\"First Name,Last Name,URL,Email Address,Company,Position,Connected On\" near its top.", linkedInColumns)
	if err != nil {
		return nil, err
	}
	return &linkedInParser{t: t, cfg: cfg, monthFirst: slices.Contains(t.header, "first name")}, nil
}

func (p *linkedInParser) next() (record, error) {
	rec, line, err := p.t.read()
	if err != nil {
		return record{}, err
	}
	out := record{row: line}
	c := &contact{
		first:    p.t.field(rec, "first"),
		last:     p.t.field(rec, "last"),
		linkedIn: p.t.field(rec, "url"),
		org:      p.t.field(rec, "company"),
		title:    p.t.field(rec, "position"),
	}
	if e := p.t.field(rec, "email"); e != "" {
		c.emails = []string{e}
	}
	if c.first == "" && c.last == "" {
		out.skip = "no name (LinkedIn leaves out members who hide their profile)"
		return out, nil
	}
	if d := p.t.field(rec, "connected"); d != "" {
		t, err := parseDate(d, p.monthFirst, p.cfg.loc)
		if err != nil {
			out.warnings = append(out.warnings, "connection date left out: "+err.Error())
		}
		c.since = t
	}
	out.contact = c
	return out, nil
}
