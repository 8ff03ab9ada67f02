import type { Command } from 'commander';
import { analyze } from '../../core/graph/analyze';
import { serializeProject } from '../../core/graph/project';
import { TEMPLATES, getTemplate } from '../../core/templates/index';
import { atomicWrite } from '../fs/atomic-write';
import { plainFsError, resolveOutputFile } from '../fs/user-paths';
import { CliError, type CliIO } from './io';
import { templateModel, type TemplateFlags } from './template-options';
import { writeWithWeights } from './template-weights';

export function registerTemplate(program: Command, io: CliIO): void {
  program
    .command('template')
    .description('write a project file with a classic architecture')
    .argument('<name>', TEMPLATES.map((t) => t.id).join(' | '))
    .option('--input <CxHxW>', 'input image size, e.g. 1x28x28 (default: the published size)')
    .option('--classes <n>', 'number of classes (default: the published count)')
    .option('--variant <name>', 'variant: lenet5 classic; googlenet torchvision')
    .requiredOption('-o, --output <file>', 'project file to write, or a folder (writes <folder>/<name>.json)')
    .option('-f, --force', 'overwrite the project file if it exists')
    .option('--pretrained', "start from torchvision's ImageNet weights: download (or use the cached copy), verify, write the project and its checkpoint")
    .option('--weights <file>', 'start from a local weights file: a PyTorch state_dict (.pth), .safetensors or a studio checkpoint (.ckpt)')
    .action(async (name: string, opts: TemplateFlags) => {
      const t = getTemplate(name);
      if (!t) throw new CliError(`unknown template "${name}"; choose one of ${TEMPLATES.map((x) => x.id).join(', ')}`);
      if (opts.pretrained || opts.weights !== undefined) {
        await writeWithWeights(name, opts, io);
        return;
      }
      const { model, input, classes } = templateModel(name, opts, opts.variant);
      const output = await resolveOutputFile(opts.output, { defaultName: `${name}.json`, force: opts.force === true });
      const a = analyze(model);
      const variant = opts.variant ?? t.variants[0]!;
      const label = variant === t.variants[0] ? t.label : `${t.label} (${variant})`;
      try {
        await atomicWrite(output, serializeProject({ name: label, model, extra: {} }));
      } catch (e) {
        throw new CliError(`${output}: cannot write (${plainFsError(e)})`);
      }
      const [c, h, w] = input ?? t.defaultInput;
      io.out(`wrote ${output}: ${label}, ${c}x${h}x${w}, ${classes ?? t.defaultClasses} classes, ${a.totals.params.toLocaleString('en-US')} parameters`);
      if (!a.ok) {
        for (const d of a.diagnostics.filter((x) => x.severity === 'error')) io.err(`error: ${d.message}`);
        io.err('the model is not valid at this input size; open it in the editor or pick a larger --input');
        io.setExitCode(1);
      }
    });
}
