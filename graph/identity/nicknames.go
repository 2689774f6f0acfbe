package identity

import "strings"

// hypocorisms lists common Spanish and English given names with the short
// and familiar forms people go by (folded, without accents). A form may
// belong to several names ("alex": Alejandro, Alejandra, Alexander).
// Languages are not crossed: José and Joseph are different names here, as
// a person's records rarely mix them and two people often do.
var hypocorisms = map[string]string{
	// Spanish
	"jose":         "pepe pepito chema josete",
	"josefa":       "pepa pepita fina",
	"francisco":    "paco pancho curro fran quico kiko paquito frank",
	"francisca":    "paca paquita paqui fran",
	"manuel":       "manolo manu lolo",
	"manuela":      "manoli manu",
	"antonio":      "toni tony tono antonito",
	"antonia":      "toni",
	"ignacio":      "nacho nacio",
	"jesus":        "chucho chuy suso chus",
	"montserrat":   "montse",
	"inmaculada":   "inma",
	"encarnacion":  "encarna",
	"asuncion":     "asun",
	"purificacion": "puri",
	"remedios":     "reme",
	"soledad":      "sole",
	"milagros":     "mila",
	"josefina":     "fina",
	"gregorio":     "goyo",
	"rodrigo":      "rodri",
	"ricardo":      "richi",
	"leonardo":     "leo",
	"alfonso":      "poncho",
	"adolfo":       "fito",
	"cayetano":     "tano",
	"guillermo":    "guille memo",
	"alejandro":    "alex ale jandro",
	"alejandra":    "alex ale",
	"enrique":      "quique kike",
	"eduardo":      "edu lalo",
	"fernando":     "nando fer",
	"rafael":       "rafa",
	"ramon":        "moncho",
	"roberto":      "rober beto",
	"alberto":      "beto alber",
	"concepcion":   "concha conchi conchita",
	"dolores":      "lola loli",
	"maria":        "mari maruja",
	"mercedes":     "merche meche",
	"rosario":      "charo",
	"pilar":        "pili",
	"guadalupe":    "lupe lupita",
	"consuelo":     "chelo",
	"teresa":       "tere teresita",
	"isabel":       "isa chabela",
	"carmen":       "mamen carmela menchu",
	"cristina":     "cris tina",
	"santiago":     "santi yago chago",
	"sebastian":    "sebas seba",
	"nicolas":      "nico",
	"tomas":        "tomi",
	"luis":         "lucho",
	"jorge":        "coque",
	"pedro":        "perico pedrito",
	"joaquin":      "ximo quim joaco",
	"salvador":     "salva chava",
	"vicente":      "chente vicen",
	"andres":       "andy",
	"daniel":       "dani dan danny",
	"daniela":      "dani",
	"gabriel":      "gabi gabo",
	"gabriela":     "gabi gaby",
	"valentina":    "vale valen",
	"martina":      "tina",
	"juan":         "juanito juancho",
	"juana":        "juanita",
	"agustin":      "agus",
	"federico":     "fede",
	"domingo":      "mingo",
	"lucia":        "lu",
	"sofia":        "sofi",
	"camila":       "cami",
	"carolina":     "carol caro",
	"natalia":      "nati naty",
	"beatriz":      "bea",
	"patricia":     "patri pati pat patty trish",
	"margarita":    "marga rita",
	"ana":          "anita",
	"javier":       "javi",
	"miguel":       "migue",
	"sergio":       "checo",
	"mateo":        "teo",
	"carlos":       "carlitos",
	"pablo":        "pablito",
	"matias":       "mati",
	"felipe":       "pipe",
	// English
	"william":     "bill billy will willy liam",
	"robert":      "bob bobby rob robbie bert",
	"richard":     "rick ricky dick rich richie",
	"james":       "jim jimmy jamie",
	"john":        "jack johnny jon",
	"jonathan":    "jon jonny",
	"michael":     "mike mikey mick micky",
	"thomas":      "tom tommy",
	"joseph":      "joe joey",
	"charles":     "charlie chuck chas",
	"edward":      "ed eddie ted ned",
	"elizabeth":   "liz lizzy beth betty eliza libby bess",
	"margaret":    "maggie meg peggy marge madge",
	"catherine":   "kate katie kathy cathy kat",
	"katherine":   "kate katie kathy kat",
	"kathryn":     "kate katie kathy kat",
	"christopher": "chris kit",
	"christine":   "chris tina",
	"christina":   "chris tina",
	"david":       "dave davey",
	"steven":      "steve",
	"stephen":     "steve",
	"matthew":     "matt",
	"andrew":      "andy drew",
	"anthony":     "tony",
	"nicholas":    "nick nicky",
	"alexander":   "alex sandy xander",
	"alexandra":   "alex sasha sandra",
	"benjamin":    "ben benny",
	"samuel":      "sam sammy",
	"samantha":    "sam sammy",
	"patrick":     "pat paddy",
	"susan":       "sue suzy",
	"jennifer":    "jen jenny",
	"rebecca":     "becky becca",
	"deborah":     "debbie deb",
	"victoria":    "vicky tori",
	"timothy":     "tim",
	"gregory":     "greg",
	"peter":       "pete",
	"henry":       "harry hank",
	"lawrence":    "larry",
	"gerald":      "gerry jerry",
	"frederick":   "fred freddie",
	"ronald":      "ron ronnie",
	"donald":      "don donnie",
	"kenneth":     "ken kenny",
	"joshua":      "josh",
	"zachary":     "zach",
	"nathaniel":   "nate nat",
	"nathan":      "nate nat",
	"abigail":     "abby",
	"jessica":     "jess jessie",
	"amanda":      "mandy",
	"dorothy":     "dot dolly dottie",
	"francis":     "frank fran",
	"kimberly":    "kim",
	"pamela":      "pam",
	"stephanie":   "steph",
	"jacqueline":  "jackie",
	"jeffrey":     "jeff",
	"raymond":     "ray",
	"leonard":     "len leo",
	"douglas":     "doug",
	"philip":      "phil",
	"phillip":     "phil",
	"walter":      "walt",
	"eugene":      "gene",
	"albert":      "al bert",
	"alfred":      "alf alfie",
	"harold":      "harry hal",
	"vincent":     "vince",
	"terence":     "terry",
	"cynthia":     "cindy",
	"kathleen":    "kathy kate",
	"melissa":     "mel missy",
	"barbara":     "barb babs",
	"judith":      "judy",
	"theresa":     "tess terri",
	"sandra":      "sandy",
	"angela":      "angie",
	"virginia":    "ginny",
	"caroline":    "carrie",
	"nicole":      "nikki",
	"gabrielle":   "gabby",
	"ashley":      "ash",
	"jacob":       "jake",
	"jonathon":    "jon",
	"mitchell":    "mitch",
}

// nameForms maps each form to the given names it can stand for; a full
// name stands for itself.
var nameForms = func() map[string][]string {
	m := map[string][]string{}
	for name, forms := range hypocorisms {
		m[name] = append(m[name], name)
		for _, f := range strings.Fields(forms) {
			m[f] = append(m[f], name)
		}
	}
	return m
}()

// SameGivenName reports whether two folded given names can be the same:
// equal, or one a familiar form of the other (Pepe and José, Bill and
// William), or both forms of one name (Billy and Will).
func SameGivenName(a, b string) bool {
	if a == b {
		return true
	}
	fa, fb := nameForms[a], nameForms[b]
	for _, x := range fa {
		for _, y := range fb {
			if x == y {
				return true
			}
		}
	}
	return false
}

// givenKey is the blocking key of a given name: the full name of a
// familiar form when it has just one ("pepe" → "jose"), else itself.
func givenKey(t string) string {
	if f := nameForms[t]; len(f) == 1 {
		return f[0]
	}
	return t
}
