package template

import (
	"embed"
	"encoding/json"
)

//go:embed presets/*.json
var presetFiles embed.FS // read-only

// Preset is a ready-made template with sample data that it renders.
type Preset struct {
	// Name is a stable identifier, such as "customer_profile".
	Name string `json:"name"`
	// Title and Description are for people choosing a preset.
	Title       string `json:"title"`
	Description string `json:"description"`
	// Template is the template definition; Sample is data shaped like
	// the API response it expects. Both encode as embedded JSON, so a
	// host can serve the presets to its editor as they are.
	Template json.RawMessage `json:"template"`
	Sample   json.RawMessage `json:"sample"`
}

// Presets returns the preset templates: customer_profile,
// order_history, subscription_billing and support_tickets. Each call
// returns fresh copies that the caller may modify.
func Presets() []Preset {
	index, err := presetFiles.ReadFile("presets/index.json")
	if err != nil {
		return nil
	}
	var list []Preset
	if err := json.Unmarshal(index, &list); err != nil {
		return nil
	}
	out := list[:0]
	for _, p := range list {
		t, err1 := presetFiles.ReadFile("presets/" + p.Name + ".json")
		s, err2 := presetFiles.ReadFile("presets/" + p.Name + ".sample.json")
		if err1 != nil || err2 != nil {
			continue
		}
		p.Template, p.Sample = t, s
		out = append(out, p)
	}
	return out
}
