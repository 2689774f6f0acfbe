package render

import (
	"context"

	"github.com/goccy/go-graphviz/gvc"
)

// pngEngine fixes go-graphviz's PNG renderer (v0.2.10), which is told that
// every shape is filled and so fills outlines and edges instead of stroking
// them: PNGs come out without edges or node borders (goccy/go-graphviz#106).
// Shapes are filled and then stroked, as Graphviz's own renderers do, and
// curves (edges) are only stroked. The drawing itself, text included, is left
// to gvc.ImageRenderer.
type pngEngine struct {
	*gvc.ImageRenderer
}

func newPNGPlugin(ctx context.Context) (*gvc.RenderPlugin, error) {
	eng := &pngEngine{&gvc.ImageRenderer{DefaultRenderEngine: new(gvc.DefaultRenderEngine)}}
	return gvc.NewRenderPlugin(ctx, "png", eng,
		gvc.WithRenderFeatures(gvc.RenderYGoesDown, gvc.RenderDoesTransform),
		gvc.WithRenderColorType(gvc.RGBAByte))
}

// Ellipse fills, if asked, and strokes the outline unless the pen is none.
func (e *pngEngine) Ellipse(ctx context.Context, job *gvc.Job, p []*gvc.PointFloat, filled bool) error {
	return fillStroke(ctx, job, p, filled, e.ImageRenderer.Ellipse)
}

// Polygon fills, if asked, and strokes the outline unless the pen is none.
func (e *pngEngine) Polygon(ctx context.Context, job *gvc.Job, p []*gvc.PointFloat, filled bool) error {
	return fillStroke(ctx, job, p, filled, e.ImageRenderer.Polygon)
}

func fillStroke(ctx context.Context, job *gvc.Job, p []*gvc.PointFloat, filled bool,
	draw func(context.Context, *gvc.Job, []*gvc.PointFloat, bool) error) error {
	if filled {
		if err := draw(ctx, job, p, true); err != nil {
			return err
		}
	}
	if job.Object().Pen() == gvc.PenNone {
		return nil
	}
	return draw(ctx, job, p, false)
}

// BezierCurve strokes the curve; the maps draw no filled curves.
func (e *pngEngine) BezierCurve(ctx context.Context, job *gvc.Job, p []*gvc.PointFloat, _ bool) error {
	if job.Object().Pen() == gvc.PenNone {
		return nil
	}
	return e.ImageRenderer.BezierCurve(ctx, job, p, false)
}
