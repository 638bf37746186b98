#pragma once
// A context model's label rules (model metadata labelRules, models/FORMAT.md), applied by the pipeline to the
// network's label with the beat's running template. 0 = no rule.
namespace av {

struct LabelRules {
  // An L label needs a template at least this wide (s); otherwise the beat takes the best of N, A and V.
  double lMinTemplateQrsSec = 0;
  // On a template at least vTemplateMatchMinQrsSec wide, a V label needs templateCorrQrs below
  // vTemplateMatchCorrQrs; a beat that matches its template takes the best of the other classes (not L on a
  // template the L rule calls narrow).
  double vTemplateMatchCorrQrs = 0;
  double vTemplateMatchMinQrsSec = 0;
};

}  // namespace av
