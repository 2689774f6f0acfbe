package identity

import "strings"

// Name pools of the labelled variants (variants_test.go), most frequent
// first. They are long enough that, drawn with the weights of
// sampler (flatter than real frequencies, to stand for the long tail the
// lists cut off), about one person in fourteen shares a given name and
// first surname with someone else by chance — more than in a real network
// of a few thousand people (Spain's name frequencies give about one in
// twenty) — besides the namesakes the generator adds on purpose.
var (
	genGivenES = fields("María|José|Antonio|Manuel|Carmen|Francisco|Ana|David|Juan|Isabel|Javier|Laura|" +
		"Daniel|Cristina|Carlos|Marta|Jesús|Lucía|Alejandro|Elena|Miguel|Pilar|Rafael|Dolores|Pedro|" +
		"Teresa|Pablo|Paula|Ángel|Raquel|Sergio|Sara|Fernando|Rosa|Jorge|Beatriz|Luis|Silvia|Alberto|" +
		"Patricia|Álvaro|Irene|Diego|Alba|Adrián|Julia|Raúl|Andrea|Enrique|Rocío|Ramón|Mercedes|Vicente|" +
		"Nuria|Iván|Sofía|Rubén|Claudia|Óscar|Montserrat|Andrés|Concepción|Joaquín|Alicia|Santiago|" +
		"Yolanda|Eduardo|Sonia|Víctor|Inés|Roberto|Eva|Jaime|Natalia|Mario|Victoria|Ignacio|Lorena|" +
		"Alfonso|Noelia|Salvador|Verónica|Ricardo|Esther|Marcos|Ángela|Jordi|Susana|Emilio|Margarita|" +
		"Julián|Consuelo|Guillermo|Amparo|Gabriel|Inmaculada|Tomás|Carolina|Agustín|Josefa|Gonzalo|" +
		"Francisca|Félix|Antonia|Hugo|Manuela|Nicolás|Alejandra|Héctor|Marina|Mateo|Nerea|Martín|Ainhoa|" +
		"Samuel|Lidia|Aitor|Olga|Iker|Gloria|Xavier|Miriam|Lorenzo|Blanca|Esteban|Aurora|Felipe|Rosario|" +
		"Sebastián|Guadalupe|Rodrigo|Lourdes|Arturo|Daniela|Ernesto|Valeria|Bruno|Martina|Marc|Carla|" +
		"Pau|Elisa|Unai|Celia|Asier|Clara|Borja|Emilia|Íñigo|Begoña|Domingo|Itziar|Federico|Judith|" +
		"Vanesa|Matías|Estela|Eugenio|Adriana|Teodoro|Camila|Valentín|Ariadna|Leandro|Gemma|" +
		"José Luis|Juan Carlos|José Antonio|José Manuel|Francisco Javier|Miguel Ángel|Juan José|" +
		"Juan Antonio|María José|María Teresa|María Ángeles|Ana María|María del Carmen|María del Pilar|" +
		"María Dolores|María Isabel|Luis Miguel|José María|Juan Manuel|María Luisa|Ana Isabel|María Jesús")
	genGivenEN = fields("James|Mary|John|Patricia|Robert|Jennifer|Michael|Linda|William|Elizabeth|David|" +
		"Barbara|Richard|Susan|Joseph|Jessica|Thomas|Sarah|Charles|Karen|Christopher|Lisa|Daniel|Nancy|" +
		"Matthew|Margaret|Anthony|Sandra|Mark|Ashley|Steven|Kimberly|Paul|Emily|Andrew|Donna|Joshua|" +
		"Michelle|Kenneth|Carol|Kevin|Amanda|Brian|Dorothy|George|Melissa|Timothy|Deborah|Ronald|" +
		"Stephanie|Edward|Rebecca|Jason|Sharon|Jeffrey|Laura|Ryan|Cynthia|Jacob|Kathleen|Gary|Amy|" +
		"Nicholas|Angela|Eric|Helen|Jonathan|Anna|Stephen|Brenda|Larry|Pamela|Justin|Emma|Scott|Nicole|" +
		"Brandon|Samantha|Benjamin|Katherine|Samuel|Christine|Gregory|Olivia|Alexander|Victoria|Patrick|" +
		"Charlotte|Frank|Rachel|Peter|Catherine|Henry|Harriet|Oliver|Grace|Harry|Lucy|Jack|Sophie")
	genSurnamesES = fields("García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Martín|" +
		"Jiménez|Ruiz|Hernández|Díaz|Moreno|Muñoz|Álvarez|Romero|Alonso|Gutiérrez|Navarro|Torres|" +
		"Domínguez|Vázquez|Ramos|Gil|Ramírez|Serrano|Blanco|Molina|Morales|Suárez|Ortega|Delgado|Castro|" +
		"Ortiz|Rubio|Marín|Sanz|Núñez|Iglesias|Medina|Garrido|Cortés|Castillo|Santos|Lozano|Guerrero|" +
		"Cano|Prieto|Méndez|Cruz|Calvo|Gallego|Herrera|Márquez|León|Peña|Flores|Cabrera|Campos|Vega|" +
		"Fuentes|Carrasco|Díez|Reyes|Caballero|Nieto|Aguilar|Pascual|Santana|Herrero|Montero|Lorenzo|" +
		"Hidalgo|Giménez|Ibáñez|Ferrer|Durán|Santiago|Benítez|Vargas|Mora|Vicente|Arias|Carmona|Crespo|" +
		"Román|Pastor|Soto|Sáez|Velasco|Moya|Soler|Parra|Esteban|Bravo|Gallardo|Rojas|Pardo|Merino|" +
		"Franco|Espinosa|Izquierdo|Lara|Rivas|Silva|Rivera|Casado|Arroyo|Redondo|Camacho|Rey|Vera|Otero|" +
		"Luque|Galán|Montes|Ríos|Sierra|Segura|Carrillo|Marcos|Martí|Soriano|Mendoza|Robles|Vidal|" +
		"Valero|Benito|Quintana|Salazar|Acosta|Aguirre|Bermúdez|Beltrán|Miranda|Contreras|Osorio|Varela|" +
		"Rincón|Toledo|Zamora|Valencia|Ávila|Paredes|Pacheco|Heredia|Sosa|Cuesta|Lucas|Bueno|Palacios|" +
		"Manzano|Ponce|Salas|Cabello|Guzmán|Trujillo|Maldonado|Aparicio|Plaza|Ballesteros|Calderón|" +
		"Barrios|Escobar|Mateo|Rueda|Villar|Barrera|Salinas|Gracia|Figueroa|Jurado|Orozco|Rosales|" +
		"Echeverría|Goñi|Etxeberria|Aranda|Mesa|Sala|Puig|Roca|Font|Serra|Vila|Pons|Costa|Bosch|Riera|" +
		"Camps|Mas|Ruano|Solís|Tejada|Pineda|Valverde|Alarcón|Bustos|Moreira|Peralta|Gimeno|Lorente|" +
		"de la Fuente|del Río|de León|de la Cruz|del Pino|de Miguel|de la Torre|del Valle|de Castro|" +
		"de la Rosa|Ochoa|Zapata|Sepúlveda|Quiroga|Villanueva|Arenas|Cordero|Mejía|Olmedo|Sevilla")
	genSurnamesEN = fields("Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Wilson|Anderson|Taylor|" +
		"Thomas|Moore|Jackson|Martin|Lee|Thompson|White|Harris|Clark|Lewis|Robinson|Walker|Young|Allen|" +
		"King|Wright|Scott|Hill|Green|Adams|Baker|Nelson|Carter|Mitchell|Roberts|Turner|Phillips|" +
		"Campbell|Parker|Evans|Edwards|Collins|Stewart|Morris|Murphy|Cook|Rogers|Morgan|Cooper|" +
		"Peterson|Reed|Bailey|Bell|Kelly|Howard|Ward|Cox|Richardson|Wood|Watson|Brooks|Bennett|Gray|" +
		"Hughes|Price|Sanders|Clarke|Hall|O'Brien|O'Connor|McDonald|Fitzgerald|Van Dyke|Fletcher|" +
		"Holmes|Palmer|Barker|Lawson|Fisher|Knight|Hunt|Spencer|Pearce|Dixon|Shaw|Lloyd|Ellis|Mason")
	// genNick are the familiar forms people go by; the finder's table
	// (nicknames.go) has most of them, not all.
	genNick = map[string][]string{"José": {"Pepe"}, "Francisco": {"Paco", "Curro", "Fran"}, "Manuel": {"Manolo", "Manu"},
		"Antonio": {"Toni"}, "Ignacio": {"Nacho"}, "Teresa": {"Tere"}, "Guillermo": {"Guille"},
		"Dolores": {"Lola"}, "Enrique": {"Quique"}, "Rafael": {"Rafa"}, "Concepción": {"Concha"},
		"Santiago": {"Santi"}, "Nicolás": {"Nico"}, "Beatriz": {"Bea"}, "Pilar": {"Pili"},
		"Alejandro": {"Álex"}, "Javier": {"Javi"}, "Daniel": {"Dani"}, "Mercedes": {"Merche"},
		"Rosario": {"Charo"}, "Jesús": {"Chus", "Suso"}, "Cristina": {"Cris"}, "Isabel": {"Isa"},
		"Eduardo": {"Edu"}, "Fernando": {"Nando"}, "Alberto": {"Beto"}, "Salvador": {"Salva"},
		"Sebastián": {"Sebas"}, "Joaquín": {"Ximo"}, "Federico": {"Fede"}, "Agustín": {"Agus"},
		"Carmen": {"Mamen"}, "Inmaculada": {"Inma"}, "Encarnación": {"Encarna"}, "Montserrat": {"Montse"},
		"Josefa": {"Pepa"}, "Francisca": {"Paqui"}, "Consuelo": {"Chelo"}, "Guadalupe": {"Lupe"},
		"William": {"Bill", "Will"}, "Robert": {"Bob", "Rob"}, "Elizabeth": {"Liz", "Beth"},
		"Michael": {"Mike"}, "Catherine": {"Kate"}, "Katherine": {"Kate", "Katie"}, "James": {"Jim", "Jamie"},
		"Margaret": {"Maggie", "Peggy"}, "Richard": {"Rick", "Rich"}, "Thomas": {"Tom"}, "Joseph": {"Joe"},
		"Charles": {"Charlie"}, "Christopher": {"Chris"}, "Matthew": {"Matt"}, "Anthony": {"Tony"},
		"Andrew": {"Andy"}, "Nicholas": {"Nick"}, "Alexander": {"Alex"}, "Benjamin": {"Ben"},
		"Samuel": {"Sam"}, "Samantha": {"Sam"}, "Patrick": {"Pat"}, "Jennifer": {"Jenny"},
		"Rebecca": {"Becky"}, "Deborah": {"Debbie"}, "Timothy": {"Tim"}, "Gregory": {"Greg"},
		"Peter": {"Pete"}, "Edward": {"Ed", "Ted"}, "Kenneth": {"Ken"}, "Ronald": {"Ron"},
		"Jonathan": {"Jon"}, "Stephen": {"Steve"}, "Steven": {"Steve"}, "Susan": {"Sue"},
		"Jessica": {"Jess"}, "Victoria": {"Vicky"}, "Pamela": {"Pam"}, "Kimberly": {"Kim"}}
)

func fields(s string) []string { return strings.Split(s, "|") }
