package render

import (
	"context"
	"os"
	"testing"
)

func TestScratchSmall(t *testing.T) {
	r := newRenderer(t)
	in := smallEgo
	in.Nodes = append([]Node(nil), smallEgo.Nodes...)
	in.Nodes[1].Label = "محمد الأحمد"
	in.Nodes[2].Label = "דוד כהן"
	in.Nodes[3].Label = "王小明 🎉"
	in.Nodes[4].Label = "Zoë 👩‍💻 Ñ"
	in.Meta.Title = "Who can introduce you to محمد الأحمد?"
	b, err := r.EgoMap(context.Background(), in, PNG)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/maps-small.png", b, 0o644)
}
